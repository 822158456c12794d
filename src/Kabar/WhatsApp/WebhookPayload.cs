using System.Globalization;
using System.Text.Json;

namespace Kabar.WhatsApp;

/// <summary>One inbound message, flattened from Meta's webhook shape.</summary>
public sealed record InboundItem
{
    public required string Wamid { get; init; }
    public string? WaId { get; init; }
    public string? UserId { get; init; }
    public string? ProfileName { get; init; }
    public required string Type { get; init; }
    public DateTime SentAt { get; init; }
    public string? PhoneNumberId { get; init; }

    /// <summary>Text body, caption, or button/list title.</summary>
    public string? Text { get; init; }

    /// <summary>Button payload or interactive reply id.</summary>
    public string? Payload { get; init; }

    public string? ContextWamid { get; init; }

    /// <summary>For <c>system</c> messages: <c>user_changed_number</c>, <c>user_changed_user_id</c>…</summary>
    public string? SystemType { get; init; }

    public string? SystemNewWaId { get; init; }
    public string? SystemNewUserId { get; init; }
}

public sealed record StatusItem
{
    public required string Wamid { get; init; }
    public required string Status { get; init; }
    public DateTime OccurredAt { get; init; }
    public string? RecipientId { get; init; }
    public string? RecipientUserId { get; init; }
    public string? BizOpaqueCallbackData { get; init; }
    public int? ErrorCode { get; init; }
    public string? ErrorTitle { get; init; }
    public string? PricingCategory { get; init; }
    public string? PricingType { get; init; }
    public bool? Billable { get; init; }
}

public sealed record UserPreferenceItem
{
    public string? WaId { get; init; }
    public string? UserId { get; init; }
    public required string Category { get; init; }
    public required string Value { get; init; }
    public DateTime At { get; init; }
}

public sealed record TemplateStatusItem
{
    public string? TemplateId { get; init; }
    public string? Name { get; init; }
    public string? Language { get; init; }
    public required string Event { get; init; }
    public string? Reason { get; init; }
    public string? Category { get; init; }
}

/// <summary>Everything one webhook POST carried, plus what could not be read.</summary>
public sealed class WebhookBatch
{
    public List<InboundItem> Messages { get; } = [];
    public List<StatusItem> Statuses { get; } = [];
    public List<UserPreferenceItem> UserPreferences { get; } = [];
    public List<TemplateStatusItem> TemplateStatuses { get; } = [];

    /// <summary>Error codes Meta reported outside any message (<c>value.errors[]</c>).</summary>
    public List<int> AccountErrors { get; } = [];

    /// <summary>Items skipped because a required field was missing or malformed.</summary>
    public int Malformed { get; set; }

    /// <summary>Changes with a <c>field</c> Kabar does not handle; ignored, as Meta asks.</summary>
    public int IgnoredChanges { get; set; }
}

/// <summary>
/// Reads Meta's webhook envelope (SPEC §1, WHATSAPP-PAYLOADS.md) leniently: unknown keys and
/// fields are ignored, a malformed item is counted and skipped without losing its neighbours,
/// and identifiers may be missing (a username user has a business-scoped id and no phone).
/// </summary>
public static class WebhookPayload
{
    public static WebhookBatch Parse(JsonElement root)
    {
        var batch = new WebhookBatch();
        if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("entry", out var entries)
            || entries.ValueKind != JsonValueKind.Array)
        {
            return batch;
        }

        foreach (var entry in entries.EnumerateArray())
        {
            if (entry.ValueKind != JsonValueKind.Object || !entry.TryGetProperty("changes", out var changes)
                || changes.ValueKind != JsonValueKind.Array)
            {
                continue;
            }

            foreach (var change in changes.EnumerateArray())
            {
                if (change.ValueKind != JsonValueKind.Object || !change.TryGetProperty("value", out var value)
                    || value.ValueKind != JsonValueKind.Object)
                {
                    batch.Malformed++;
                    continue;
                }

                switch (Str(change, "field"))
                {
                    case "messages":
                        ReadMessages(value, batch);
                        break;
                    case "user_preferences":
                        ReadUserPreferences(value, batch);
                        break;
                    case "message_template_status_update":
                    case "template_category_update":
                    case "message_template_quality_update":
                        ReadTemplateStatus(value, batch);
                        break;
                    default:
                        batch.IgnoredChanges++;
                        break;
                }
            }
        }

        return batch;
    }

    private static void ReadMessages(JsonElement value, WebhookBatch batch)
    {
        var phoneNumberId = value.TryGetProperty("metadata", out var metadata) ? Str(metadata, "phone_number_id") : null;

        // contacts[] carries the profile name and ids of the senders in this value.
        var profiles = new Dictionary<string, (string? Name, string? UserId)>(StringComparer.Ordinal);
        foreach (var c in Array(value, "contacts"))
        {
            var name = c.TryGetProperty("profile", out var profile) ? Str(profile, "name") : null;
            var waId = Str(c, "wa_id");
            var userId = Str(c, "user_id");
            if (waId is not null)
            {
                profiles[waId] = (name, userId);
            }

            if (userId is not null)
            {
                profiles[userId] = (name, userId);
            }
        }

        foreach (var m in Array(value, "messages"))
        {
            var item = ReadMessage(m, phoneNumberId, profiles);
            if (item is null)
            {
                batch.Malformed++;
            }
            else
            {
                batch.Messages.Add(item);
            }
        }

        foreach (var s in Array(value, "statuses"))
        {
            var item = ReadStatus(s);
            if (item is null)
            {
                batch.Malformed++;
            }
            else
            {
                batch.Statuses.Add(item);
            }
        }

        foreach (var error in Array(value, "errors"))
        {
            if (Int(error, "code") is { } code)
            {
                batch.AccountErrors.Add(code);
            }
        }
    }

    private static InboundItem? ReadMessage(JsonElement m, string? phoneNumberId,
        Dictionary<string, (string? Name, string? UserId)> profiles)
    {
        var wamid = Str(m, "id");
        var type = Str(m, "type");
        var at = Timestamp(m, "timestamp");
        var from = Str(m, "from");
        var fromUserId = Str(m, "from_user_id");
        if (wamid is null || type is null || at is null || (from is null && fromUserId is null))
        {
            return null;
        }

        profiles.TryGetValue(from ?? fromUserId!, out var profile);
        string? text = null, payload = null, systemType = null, newWaId = null, newUserId = null;
        switch (type)
        {
            case "text":
                text = Child(m, "text") is { } t ? Str(t, "body") : null;
                break;
            case "button":
                if (Child(m, "button") is { } button)
                {
                    text = Str(button, "text");
                    payload = Str(button, "payload");
                }

                break;
            case "interactive":
                if (Child(m, "interactive") is { } interactive)
                {
                    var reply = Child(interactive, "button_reply") ?? Child(interactive, "list_reply");
                    if (reply is { } r)
                    {
                        text = Str(r, "title");
                        payload = Str(r, "id");
                    }
                    else if (Child(interactive, "nfm_reply") is { } flow)
                    {
                        text = Str(flow, "body");
                    }
                }

                break;
            case "image" or "video" or "document" or "audio" or "sticker":
                text = Child(m, type) is { } media ? Str(media, "caption") : null;
                break;
            case "reaction":
                text = Child(m, "reaction") is { } reaction ? Str(reaction, "emoji") : null;
                break;
            case "location":
                text = Child(m, "location") is { } location ? Str(location, "name") ?? Str(location, "address") : null;
                break;
            case "system":
                if (Child(m, "system") is { } system)
                {
                    systemType = Str(system, "type");
                    text = Str(system, "body");
                    newWaId = Str(system, "wa_id") ?? Str(system, "new_wa_id");
                    newUserId = Str(system, "user_id") ?? Str(system, "new_user_id");
                }

                break;
        }

        return new InboundItem
        {
            Wamid = wamid,
            WaId = from,
            UserId = fromUserId ?? profile.UserId,
            ProfileName = profile.Name,
            Type = type,
            SentAt = at.Value,
            PhoneNumberId = phoneNumberId,
            Text = text,
            Payload = payload,
            ContextWamid = Child(m, "context") is { } context ? Str(context, "id") : null,
            SystemType = systemType,
            SystemNewWaId = newWaId,
            SystemNewUserId = newUserId,
        };
    }

    private static StatusItem? ReadStatus(JsonElement s)
    {
        var wamid = Str(s, "id");
        var status = Str(s, "status");
        var at = Timestamp(s, "timestamp");
        if (wamid is null || status is null || at is null)
        {
            return null;
        }

        var error = Array(s, "errors").FirstOrDefault();
        var pricing = Child(s, "pricing");
        return new StatusItem
        {
            Wamid = wamid,
            Status = status,
            OccurredAt = at.Value,
            RecipientId = Str(s, "recipient_id"),
            RecipientUserId = Str(s, "recipient_user_id"),
            BizOpaqueCallbackData = Str(s, "biz_opaque_callback_data"),
            ErrorCode = error.ValueKind == JsonValueKind.Object ? Int(error, "code") : null,
            ErrorTitle = error.ValueKind == JsonValueKind.Object ? Str(error, "title") ?? Str(error, "message") : null,
            PricingCategory = pricing is { } p ? Str(p, "category") : null,
            PricingType = pricing is { } p2 ? Str(p2, "type") : null,
            Billable = pricing is { } p3 && p3.TryGetProperty("billable", out var b) && b.ValueKind is JsonValueKind.True or JsonValueKind.False
                ? b.GetBoolean()
                : null,
        };
    }

    private static void ReadUserPreferences(JsonElement value, WebhookBatch batch)
    {
        foreach (var p in Array(value, "user_preferences"))
        {
            var category = Str(p, "category");
            var choice = Str(p, "value");
            var at = Timestamp(p, "timestamp");
            var waId = Str(p, "wa_id");
            var userId = Str(p, "user_id");
            if (category is null || choice is null || at is null || (waId is null && userId is null))
            {
                batch.Malformed++;
                continue;
            }

            batch.UserPreferences.Add(new UserPreferenceItem
            {
                WaId = waId,
                UserId = userId,
                Category = category,
                Value = choice,
                At = at.Value,
            });
        }
    }

    private static void ReadTemplateStatus(JsonElement value, WebhookBatch batch)
    {
        var ev = Str(value, "event") ?? (Str(value, "new_category") is not null ? "CATEGORY_UPDATE" : null)
                 ?? (Str(value, "new_quality_score") is not null ? "QUALITY_UPDATE" : null);
        if (ev is null)
        {
            batch.Malformed++;
            return;
        }

        batch.TemplateStatuses.Add(new TemplateStatusItem
        {
            TemplateId = Str(value, "message_template_id"),
            Name = Str(value, "message_template_name"),
            Language = Str(value, "message_template_language"),
            Event = ev,
            Reason = Str(value, "reason") ?? Str(value, "new_quality_score"),
            Category = Str(value, "message_template_category") ?? Str(value, "new_category"),
        });
    }

    private static IEnumerable<JsonElement> Array(JsonElement parent, string name) =>
        parent.ValueKind == JsonValueKind.Object && parent.TryGetProperty(name, out var array)
        && array.ValueKind == JsonValueKind.Array
            ? array.EnumerateArray().Where(e => e.ValueKind == JsonValueKind.Object)
            : [];

    private static JsonElement? Child(JsonElement parent, string name) =>
        parent.ValueKind == JsonValueKind.Object && parent.TryGetProperty(name, out var child)
        && child.ValueKind == JsonValueKind.Object
            ? child
            : null;

    /// <summary>A string, or a number written as text (ids are strings, but be lenient).</summary>
    private static string? Str(JsonElement parent, string name)
    {
        if (parent.ValueKind != JsonValueKind.Object || !parent.TryGetProperty(name, out var v))
        {
            return null;
        }

        return v.ValueKind switch
        {
            JsonValueKind.String => v.GetString() is { Length: > 0 } s ? s : null,
            JsonValueKind.Number => v.GetRawText(),
            _ => null,
        };
    }

    private static int? Int(JsonElement parent, string name) =>
        Str(parent, name) is { } s && int.TryParse(s, NumberStyles.Integer, CultureInfo.InvariantCulture, out var i) ? i : null;

    /// <summary>Unix seconds, as a string (messages, statuses) or a number (user_preferences).</summary>
    private static DateTime? Timestamp(JsonElement parent, string name) =>
        Str(parent, name) is { } s
        && long.TryParse(s, NumberStyles.Integer, CultureInfo.InvariantCulture, out var seconds)
        && seconds is > 0 and < 253402300799
            ? DateTimeOffset.FromUnixTimeSeconds(seconds).UtcDateTime
            : null;
}
