using Microsoft.Extensions.Options;
using MimeKit;

namespace Kabar.Channels;

/// <summary>One stored <c>.eml</c> file.</summary>
public sealed record OutboxEntry(string Path, string Reference, string? MessageId, string To, string Subject, DateTime At);

/// <summary>The folder of <c>.eml</c> files that <see cref="OutboxEmailSender"/> writes; read by the sandbox.</summary>
public sealed class EmailOutbox(IOptions<EmailOptions> options, Common.DataFolder data)
{
    /// <summary>The outbox folder: <c>Kabar:Email:OutboxPath</c>, a relative one under the data folder.</summary>
    public string Root { get; } = data.Resolve(options.Value.OutboxPath);

    /// <summary>The stored e-mail sent to <paramref name="address"/> (all when null), newest first.</summary>
    public IReadOnlyList<OutboxEntry> List(string? address = null)
    {
        if (!Directory.Exists(Root))
        {
            return [];
        }

        var entries = new List<OutboxEntry>();
        foreach (var file in Directory.EnumerateFiles(Root, "*.eml", SearchOption.AllDirectories))
        {
            var message = Load(file);
            var to = message.To.Mailboxes.Select(m => m.Address).FirstOrDefault() ?? "";
            if (address is null || message.To.Mailboxes.Any(m => string.Equals(m.Address, address, StringComparison.OrdinalIgnoreCase)))
            {
                entries.Add(new OutboxEntry(file, Path.GetFileNameWithoutExtension(file), message.MessageId, to, message.Subject ?? "", message.Date.UtcDateTime));
            }
        }

        return [.. entries.OrderByDescending(e => e.At).ThenByDescending(e => e.Path, StringComparer.Ordinal)];
    }

    public static MimeMessage Load(string path)
    {
        using var stream = File.OpenRead(path);
        return MimeMessage.Load(stream);
    }

    /// <summary>The attempt id as a file name; anything a file system could misread becomes '_'.</summary>
    internal static string FileNameFor(string reference)
    {
        var invalid = Path.GetInvalidFileNameChars();
        var safe = new string([.. reference.Select(c => invalid.Contains(c) || c == '.' ? '_' : c)]);
        return (safe.Length == 0 ? "_" : safe) + ".eml";
    }
}
