using System.Globalization;
using System.Text.Json.Nodes;

namespace Kabar.Tests.Infrastructure;

/// <summary>
/// Builds webhook bodies in the structure of Meta's Cloud API (WHATSAPP-PAYLOADS.md): an
/// envelope of entries and changes around message, status and user-preference values.
/// </summary>
public static class Meta
{
    public const string PhoneNumberId = "900000000000001";

    public static long Unix(DateTimeOffset at) => at.ToUnixTimeSeconds();

    public static string Envelope(params JsonObject[] changes) => Envelope([changes]);

    /// <summary>Several entries, each with its changes.</summary>
    public static string Envelope(JsonObject[][] entries) =>
        new JsonObject
        {
            ["object"] = "whatsapp_business_account",
            ["entry"] = new JsonArray(entries.Select(changes => (JsonNode)new JsonObject
            {
                ["id"] = "102290129340398",
                ["changes"] = new JsonArray(changes.Select(c => (JsonNode)c).ToArray()),
            }).ToArray()),
        }.ToJsonString();

    public static JsonObject Messages(params JsonObject[] messages) => MessagesFrom(null, messages);

    /// <summary>A <c>messages</c> change; <paramref name="contacts"/> are (wa_id, name, user_id).</summary>
    public static JsonObject MessagesFrom((string? WaId, string Name, string? UserId)[]? contacts, params JsonObject[] messages)
    {
        var senders = contacts ?? messages
            .Select(m => ((string?)m["from"]?.GetValue<string>(), "Warga", (string?)null))
            .Where(c => c.Item1 is not null)
            .Distinct()
            .ToArray();
        return Change("messages", new JsonObject
        {
            ["messaging_product"] = "whatsapp",
            ["metadata"] = Metadata(),
            ["contacts"] = new JsonArray(senders.Select(c =>
            {
                var contact = new JsonObject { ["profile"] = new JsonObject { ["name"] = c.Name } };
                if (c.WaId is not null)
                {
                    contact["wa_id"] = c.WaId;
                }

                if (c.UserId is not null)
                {
                    contact["user_id"] = c.UserId;
                }

                return (JsonNode)contact;
            }).ToArray()),
            ["messages"] = new JsonArray(messages.Select(m => (JsonNode)m).ToArray()),
        });
    }

    public static JsonObject Statuses(params JsonObject[] statuses) =>
        Change("messages", new JsonObject
        {
            ["messaging_product"] = "whatsapp",
            ["metadata"] = Metadata(),
            ["statuses"] = new JsonArray(statuses.Select(s => (JsonNode)s).ToArray()),
        });

    public static JsonObject Text(string waId, string wamid, DateTimeOffset at, string body) =>
        Message(waId, wamid, at, "text", new JsonObject { ["body"] = body });

    public static JsonObject Button(string waId, string wamid, DateTimeOffset at, string text, string payload) =>
        Message(waId, wamid, at, "button", new JsonObject { ["text"] = text, ["payload"] = payload },
            context: new JsonObject { ["from"] = "6281100000000", ["id"] = "wamid.TEMPLATE-1" });

    public static JsonObject ButtonReply(string waId, string wamid, DateTimeOffset at, string id, string title) =>
        Message(waId, wamid, at, "interactive", new JsonObject
        {
            ["type"] = "button_reply",
            ["button_reply"] = new JsonObject { ["id"] = id, ["title"] = title },
        });

    public static JsonObject Message(string? waId, string wamid, DateTimeOffset at, string type, JsonObject? content,
        JsonObject? context = null, string? userId = null)
    {
        var message = new JsonObject
        {
            ["id"] = wamid,
            ["timestamp"] = Unix(at).ToString(CultureInfo.InvariantCulture),
            ["type"] = type,
        };
        if (waId is not null)
        {
            message["from"] = waId;
        }

        if (userId is not null)
        {
            message["from_user_id"] = userId;
        }

        if (content is not null)
        {
            message[type] = content;
        }

        if (context is not null)
        {
            message["context"] = context;
        }

        return message;
    }

    public static JsonObject Status(string wamid, string status, DateTimeOffset at, string recipient,
        string? callbackData = null, int? errorCode = null)
    {
        var s = new JsonObject
        {
            ["id"] = wamid,
            ["status"] = status,
            ["timestamp"] = Unix(at).ToString(CultureInfo.InvariantCulture),
            ["recipient_id"] = recipient,
        };
        if (callbackData is not null)
        {
            s["biz_opaque_callback_data"] = callbackData;
        }

        if (errorCode is { } code)
        {
            s["errors"] = new JsonArray(new JsonObject
            {
                ["code"] = code,
                ["title"] = "Message undeliverable",
                ["message"] = "Message undeliverable",
                ["error_data"] = new JsonObject { ["details"] = "Message Undeliverable." },
            });
        }

        return s;
    }

    public static JsonObject UserPreference(string waId, string value, DateTimeOffset at) =>
        Change("user_preferences", new JsonObject
        {
            ["messaging_product"] = "whatsapp",
            ["metadata"] = Metadata(),
            ["contacts"] = new JsonArray(new JsonObject { ["wa_id"] = waId }),
            ["user_preferences"] = new JsonArray(new JsonObject
            {
                ["wa_id"] = waId,
                ["detail"] = "User requested to stop marketing messages",
                ["category"] = "marketing_messages",
                ["value"] = value,
                ["timestamp"] = Unix(at),
            }),
        });

    public static JsonObject Change(string field, JsonObject value) =>
        new() { ["field"] = field, ["value"] = value };

    private static JsonObject Metadata() => new()
    {
        ["display_phone_number"] = "6281100000000",
        ["phone_number_id"] = PhoneNumberId,
    };
}
