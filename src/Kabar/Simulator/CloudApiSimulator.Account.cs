using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;

namespace Kabar.Simulator;

public sealed partial class CloudApiSimulator
{
    // Meta's answers when no fields are asked for (Graph API reference: WhatsApp Business Phone Number, WhatsApp Business Account).
    private static readonly string[] DefaultNumberFields =
        ["verified_name", "code_verification_status", "display_phone_number", "quality_rating", "platform_type", "throughput"];

    private static readonly string[] DefaultAccountFields = ["name", "timezone_id", "message_template_namespace"];

    private ConcurrentDictionary<string, NumberHealth> health = new(StringComparer.Ordinal);
    private volatile bool subscribed;

    /// <summary>What the number reports; changed through <c>PUT /_control/numbers/{id}</c>.</summary>
    private sealed record NumberHealth(string NameStatus = "APPROVED", string CodeVerificationStatus = "VERIFIED",
        string QualityRating = "GREEN", string Status = "CONNECTED", string PlatformType = "CLOUD_API");

    /// <summary>The business account this simulator plays (<c>Kabar:WhatsApp:WabaId</c>, else the sandbox's).</summary>
    internal string WabaId => whatsApp.Value.EffectiveWabaId;

    /// <summary>Counts one management call against the hourly budget.</summary>
    internal (int Percent, int RegainMinutes, bool Throttled) ManagementCall() => usage.Take();

    internal void SetUsage(int percent) => usage.Set(percent);

    /// <summary><c>GET /{version}/{id}?fields=</c>: a business number or the business account, or Meta's error.</summary>
    internal (JsonObject? Node, GraphError? Error) Node(string id, string? fields)
    {
        var wanted = string.IsNullOrWhiteSpace(fields)
            ? null
            : fields.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var number = whatsApp.Value.EffectiveNumbers.FirstOrDefault(n => n.PhoneNumberId == id);
        if (number is not null)
        {
            var state = health.GetValueOrDefault(id) ?? new NumberHealth();
            return Select(id, wanted ?? DefaultNumberFields, "WhatsAppBusinessPhoneNumber", field => field switch
            {
                "display_phone_number" => DisplayPhoneNumber(number.DisplayPhoneNumber ?? Kabar.WhatsApp.WhatsAppOptions.SandboxNumber.DisplayPhoneNumber!),
                "verified_name" => options.VerifiedName,
                "name_status" => state.NameStatus,
                "code_verification_status" => state.CodeVerificationStatus,
                "quality_rating" => state.QualityRating,
                "status" => state.Status,
                "platform_type" => state.PlatformType,
                "throughput" => new JsonObject { ["level"] = "STANDARD" },
                "whatsapp_business_manager_messaging_limit" => MessagingLimitTier(whatsApp.Value.MessagingLimit),
                "messaging_limit_tier" => MessagingLimitTier(whatsApp.Value.MessagingLimit),
                _ => null,
            });
        }

        if (id == WabaId)
        {
            return Select(id, wanted ?? DefaultAccountFields, "WhatsAppBusinessAccount", field => field switch
            {
                "name" => options.VerifiedName,
                "currency" => "IDR",
                "timezone_id" => "1",
                "message_template_namespace" => Namespace(id),
                "account_review_status" => "APPROVED",
                _ => null,
            });
        }

        return (null, UnknownObject(id));
    }

    /// <summary>Meta's answer for an id it cannot read: code 100, subcode 33, GraphMethodException.</summary>
    internal static GraphError UnknownObject(string id) =>
        new(100, 400, $"Unsupported get request. Object with ID '{id}' does not exist, cannot be loaded due to missing permissions, or does not support this operation. Please read the Graph API documentation at https://developers.facebook.com/docs/graph-api", null)
        {
            Subcode = 33,
            Type = "GraphMethodException",
            MessagingData = false,
        };

    /// <summary><c>GET /{waba-id}/subscribed_apps</c>: the app, when subscribed.</summary>
    internal JsonObject SubscribedApps()
    {
        var data = new JsonArray();
        if (subscribed)
        {
            data.Add(new JsonObject
            {
                ["whatsapp_business_api_data"] = new JsonObject
                {
                    ["link"] = "https://www.facebook.com/games/?app_id=" + options.AppId,
                    ["name"] = options.AppName,
                    ["id"] = options.AppId,
                },
            });
        }

        return new JsonObject { ["data"] = data };
    }

    /// <summary><c>POST</c> (true) or <c>DELETE</c> (false) <c>/{waba-id}/subscribed_apps</c>.</summary>
    internal void Subscribe(bool on) => subscribed = on;

    /// <summary>Changes what a business number reports; false when the number is not one of this account's.</summary>
    internal bool SetNumberHealth(string id, NumberHealthRequest request)
    {
        if (whatsApp.Value.EffectiveNumbers.All(n => n.PhoneNumberId != id))
        {
            return false;
        }

        health.AddOrUpdate(id, _ => Apply(new NumberHealth()), (_, old) => Apply(old));
        return true;

        NumberHealth Apply(NumberHealth old) => new(
            request.NameStatus?.ToUpperInvariant() ?? old.NameStatus,
            request.CodeVerificationStatus?.ToUpperInvariant() ?? old.CodeVerificationStatus,
            request.QualityRating?.ToUpperInvariant() ?? old.QualityRating,
            request.Status?.ToUpperInvariant() ?? old.Status,
            request.PlatformType?.ToUpperInvariant() ?? old.PlatformType);
    }

    /// <summary>Meta's tier names for <c>Kabar:WhatsApp:MessagingLimit</c> (250, 2000, 10000, 100000, unlimited).</summary>
    internal static string MessagingLimitTier(string limit) => limit switch
    {
        "2000" => "TIER_2K",
        "10000" => "TIER_10K",
        "100000" => "TIER_100K",
        "unlimited" => "TIER_UNLIMITED",
        _ => "TIER_250",
    };

    /// <summary>
    /// The number as WhatsApp Manager shows it, in international format: "+62 811-0000-0000" for
    /// Indonesian mobiles (+62, 3-4-rest), "+1 555-123-4567" in North America, else "+" and the digits.
    /// </summary>
    internal static string DisplayPhoneNumber(string number)
    {
        var digits = new string(number.Where(char.IsAsciiDigit).ToArray());
        if (digits.StartsWith("62", StringComparison.Ordinal) && digits.Length > 9)
        {
            var rest = digits[2..];
            return $"+62 {rest[..3]}-{rest[3..7]}-{rest[7..]}";
        }

        if (digits.StartsWith('1') && digits.Length == 11)
        {
            return $"+1 {digits[1..4]}-{digits[4..7]}-{digits[7..]}";
        }

        return "+" + digits;
    }

    private static (JsonObject? Node, GraphError? Error) Select(string id, IEnumerable<string> fields, string nodeType,
        Func<string, JsonNode?> value)
    {
        var node = new JsonObject();
        foreach (var field in fields)
        {
            if (field == "id")
            {
                continue;
            }

            if (value(field) is not { } v)
            {
                return (null, new GraphError(100, 400,
                    $"(#100) Tried accessing nonexisting field ({field}) on node type ({nodeType})", null)
                { MessagingData = false });
            }

            node[field] = v;
        }

        node["id"] = id;
        return (node, null);
    }

    /// <summary>A stable namespace in Meta's shape (8_4_4_4_12 hex digits) for the account.</summary>
    private static string Namespace(string wabaId)
    {
        var hex = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(wabaId)));
        return string.Join('_', hex[..8], hex[8..12], hex[12..16], hex[16..20], hex[20..32]);
    }

    private void ResetAccount()
    {
        health = new(StringComparer.Ordinal);
        subscribed = !options.NewAccount;
        usage.Clear();
    }
}
