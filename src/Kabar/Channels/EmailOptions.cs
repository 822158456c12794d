namespace Kabar.Channels;

/// <summary><c>Kabar:Email</c>: SMTP, or <c>.eml</c> files in <see cref="OutboxPath"/> when no host is set (SPEC §6, §12).</summary>
public sealed class EmailOptions
{
    public const string Section = "Kabar:Email";

    public SmtpOptions Smtp { get; set; } = new();

    /// <summary>Relative to the data folder (<c>Kabar:DataPath</c>); used only when <c>Smtp:Host</c> is empty.</summary>
    public string OutboxPath { get; set; } = "outbox";

    public bool UseSmtp => !string.IsNullOrWhiteSpace(Smtp.Host);
}

public sealed class SmtpOptions
{
    public string? Host { get; set; }
    public int Port { get; set; } = 587;

    /// <summary>True: SSL on connect for port 465, else STARTTLS when the server offers it. False: plain.</summary>
    public bool UseTls { get; set; } = true;

    public string? Username { get; set; }
    public string? Password { get; set; }

    /// <summary><c>Name &lt;address&gt;</c>; empty means the office name at <c>no-reply@localhost</c>.</summary>
    public string? From { get; set; }

    /// <summary>For the whole conversation with the server, from connect to the reply after DATA.</summary>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(30);
}
