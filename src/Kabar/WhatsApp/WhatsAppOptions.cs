using System.ComponentModel.DataAnnotations;

namespace Kabar.WhatsApp;

/// <summary><c>Kabar:WhatsApp</c> (SPEC §12). With no access token anywhere Kabar runs in sandbox mode.</summary>
public sealed class WhatsAppOptions
{
    public const string Section = "Kabar:WhatsApp";

    /// <summary>Empty: the built-in simulator in sandbox mode, else https://graph.facebook.com.</summary>
    public string? GraphApiBaseUrl { get; set; }

    [Required, RegularExpression(@"^v\d+\.\d+$")]
    public string GraphApiVersion { get; set; } = "v23.0";

    /// <summary>The Meta app secret that signs webhooks; generated and stored for the sandbox.</summary>
    public string? AppSecret { get; set; }

    /// <summary>The token Meta echoes when verifying the webhook endpoint; generated for the sandbox.</summary>
    public string? VerifyToken { get; set; }

    public string? WabaId { get; set; }

    /// <summary>
    /// The office's template catalog (<c>templates/whatsapp-templates.json</c> beside Kabar by default);
    /// a relative path is under the content root when it exists there.
    /// </summary>
    public string? TemplateCatalog { get; set; }

    /// <summary>
    /// The Meta app's id (App Dashboard, App settings, Basic): when set, <c>kabar whatsapp check</c>
    /// requires this app among those subscribed to the business account; when empty, any subscribed app passes.
    /// </summary>
    public string? AppId { get; set; }

    /// <summary>How long a send may take before its outcome is treated as unknown (the request may have reached Meta).</summary>
    [Range(typeof(TimeSpan), "00:00:00.100", "00:05:00")]
    public TimeSpan SendTimeout { get; set; } = TimeSpan.FromSeconds(10);

    public List<WhatsAppNumberOptions> Numbers { get; set; } = [];

    /// <summary>250, 2000, 10000, 100000 or unlimited.</summary>
    [RegularExpression("^(250|2000|10000|100000|unlimited)$")]
    public string MessagingLimit { get; set; } = "250";

    /// <summary>True when no number has an access token: Kabar talks to its own simulator.</summary>
    public bool SandboxMode => Numbers.TrueForAll(n => string.IsNullOrWhiteSpace(n.AccessToken));

    /// <summary>The sandbox's business account, used when <see cref="WabaId"/> is not set.</summary>
    public const string SandboxWabaId = "900000000000000";

    /// <summary>The sandbox's one business number, used when no number is configured.</summary>
    public static readonly WhatsAppNumberOptions SandboxNumber = new()
    {
        PhoneNumberId = "900000000000001",
        DisplayPhoneNumber = "6281100000000",
        MessagesPerSecond = 80,
    };

    /// <summary>The configured numbers, or the sandbox number.</summary>
    public IReadOnlyList<WhatsAppNumberOptions> EffectiveNumbers => Numbers.Count > 0 ? Numbers : [SandboxNumber];

    public string EffectiveWabaId => string.IsNullOrWhiteSpace(WabaId) ? SandboxWabaId : WabaId;
}

public sealed class WhatsAppNumberOptions
{
    public string PhoneNumberId { get; set; } = "";
    public string? DisplayPhoneNumber { get; set; }
    public string? AccessToken { get; set; }

    [Range(1, 1000)]
    public int MessagesPerSecond { get; set; } = 80;
}
