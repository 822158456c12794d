using System.Text.Json;

namespace Kabar.WhatsApp;

// The readers of the items a change carries: messages, statuses, user preferences, template events.
public static partial class WebhookPayload
{
    private static void ReadMessages(JsonElement value, WebhookBatch batch, string at)
    {
        var here = new Fields(batch, at);
        var phoneNumberId = ReadPhoneNumberId(value, batch, at, here);
        var profiles = ReadProfiles(value, batch, at, here);
        var i = 0;
        foreach (var m in Array(value, "messages", here))
        {
            var fields = new Fields(batch, $"{at}.messages[{i++}]");
            if (ReadMessage(m, phoneNumberId, profiles, fields) is { } item)
            {
                batch.Messages.Add(item);
            }
            else
            {
                batch.Skipped.Add(fields.Problem!);
            }
        }

        i = 0;
        foreach (var s in Array(value, "statuses", here))
        {
            var fields = new Fields(batch, $"{at}.statuses[{i++}]");
            if (ReadStatus(s, fields) is { } item)
            {
                batch.Statuses.Add(item);
            }
            else
            {
                batch.Skipped.Add(fields.Problem!);
            }
        }

        i = 0;
        foreach (var error in Array(value, "errors", here))
        {
            if (Int(error, "code", new Fields(batch, $"{at}.errors[{i++}]")) is { } code)
            {
                batch.AccountErrors.Add(code);
            }
        }

        if (here.Problem is { } lost)
        {
            // A key of the value itself could not be read: whatever it held is lost, the rest was read.
            batch.Skipped.Add(lost);
        }
    }

    /// <summary>The business number the value was sent to, when it can be read.</summary>
    private static string? ReadPhoneNumberId(JsonElement value, WebhookBatch batch, string at, Fields here)
    {
        if (!Get(value, "metadata", here, out var metadata))
        {
            return null;
        }

        var fields = new Fields(batch, $"{at}.metadata");
        var phoneNumberId = Str(metadata, "phone_number_id", fields, 64);
        if (fields.Problem is { } problem)
        {
            // The messages stay: their answers go out from the first number instead.
            batch.Skipped.Add(problem);
        }

        return phoneNumberId;
    }

    /// <summary><c>contacts[]</c>: the profile name and ids of the senders in this value, by wa_id and by user id.</summary>
    private static Dictionary<string, (string? Name, string? UserId)> ReadProfiles(JsonElement value, WebhookBatch batch,
        string at, Fields here)
    {
        var profiles = new Dictionary<string, (string? Name, string? UserId)>(StringComparer.Ordinal);
        var i = 0;
        foreach (var c in Array(value, "contacts", here))
        {
            var fields = new Fields(batch, $"{at}.contacts[{i++}]");
            var name = Get(c, "profile", fields, out var profile) ? Text(profile, "name", fields) : null;
            var waId = Str(c, "wa_id", fields, 20);
            var userId = Str(c, "user_id", fields, 160);
            if (fields.Problem is { } problem)
            {
                // The sender's messages stay, without the profile this entry gave them.
                batch.Skipped.Add(problem);
                continue;
            }

            if (waId is not null)
            {
                profiles[waId] = (name, userId);
            }

            if (userId is not null)
            {
                profiles[userId] = (name, userId);
            }
        }

        return profiles;
    }

    private static InboundItem? ReadMessage(JsonElement m, string? phoneNumberId,
        Dictionary<string, (string? Name, string? UserId)> profiles, Fields f)
    {
        var wamid = Str(m, "id", f, 200);
        var type = Str(m, "type", f, 32);
        var at = Timestamp(m, "timestamp", f);
        var from = Str(m, "from", f, 20);
        var fromUserId = Str(m, "from_user_id", f, 160);
        if (f.Problem is not null)
        {
            return null;
        }

        if (wamid is null || type is null || at is null || (from is null && fromUserId is null))
        {
            f.Missing(wamid is null ? "id" : type is null ? "type" : at is null ? "timestamp" : "from");
            return null;
        }

        profiles.TryGetValue(from ?? fromUserId!, out var profile);
        var content = ReadContent(m, type, f);
        var contextWamid = Child(m, "context", f) is { } context ? Str(context, "id", f, 200) : null;
        if (f.Problem is not null)
        {
            // A button payload or a new number decides what the message does: never guessed.
            return null;
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
            Text = content.Text,
            Payload = content.Payload,
            ContextWamid = contextWamid,
            SystemType = content.SystemType,
            SystemNewWaId = content.NewWaId,
            SystemNewUserId = content.NewUserId,
        };
    }

    /// <summary>What a message says, by its type: the text or caption, a button's payload, a system change.</summary>
    private static MessageContent ReadContent(JsonElement m, string type, Fields f)
    {
        string? text = null, payload = null, systemType = null, newWaId = null, newUserId = null;
        switch (type)
        {
            case "text":
                text = Child(m, "text", f) is { } t ? Text(t, "body", f) : null;
                break;
            case "button":
                if (Child(m, "button", f) is { } button)
                {
                    text = Text(button, "text", f);
                    payload = Str(button, "payload", f);
                }

                break;
            case "interactive":
                if (Child(m, "interactive", f) is { } interactive)
                {
                    var reply = Child(interactive, "button_reply", f) ?? Child(interactive, "list_reply", f);
                    if (reply is { } r)
                    {
                        text = Text(r, "title", f);
                        payload = Str(r, "id", f);
                    }
                    else if (Child(interactive, "nfm_reply", f) is { } flow)
                    {
                        text = Text(flow, "body", f);
                    }
                }

                break;
            case "image" or "video" or "document" or "audio" or "sticker":
                text = Child(m, type, f) is { } media ? Text(media, "caption", f) : null;
                break;
            case "reaction":
                text = Child(m, "reaction", f) is { } reaction ? Text(reaction, "emoji", f) : null;
                break;
            case "location":
                text = Child(m, "location", f) is { } location ? Text(location, "name", f) ?? Text(location, "address", f) : null;
                break;
            case "system":
                if (Child(m, "system", f) is { } system)
                {
                    systemType = Str(system, "type", f);
                    text = Text(system, "body", f);
                    // Each becomes the contact's, in columns of 20 and 160 characters.
                    newWaId = Str(system, "wa_id", f, 20) ?? Str(system, "new_wa_id", f, 20);
                    newUserId = Str(system, "user_id", f, 160) ?? Str(system, "new_user_id", f, 160);
                }

                break;
        }

        return new MessageContent(text, payload, systemType, newWaId, newUserId);
    }

    private readonly record struct MessageContent(string? Text, string? Payload, string? SystemType, string? NewWaId, string? NewUserId);

    private static StatusItem? ReadStatus(JsonElement s, Fields f)
    {
        var wamid = Str(s, "id", f);
        var status = Str(s, "status", f);
        var at = Timestamp(s, "timestamp", f);
        if (f.Problem is null && (wamid is null || status is null || at is null))
        {
            f.Missing(wamid is null ? "id" : status is null ? "status" : "timestamp");
        }

        if (f.Problem is not null)
        {
            return null;
        }

        var error = Array(s, "errors", f).FirstOrDefault();
        var pricing = Child(s, "pricing", f);
        var item = new StatusItem
        {
            Wamid = wamid!,
            Status = status!,
            OccurredAt = at!.Value,
            RecipientId = Str(s, "recipient_id", f),
            RecipientUserId = Str(s, "recipient_user_id", f),
            BizOpaqueCallbackData = Str(s, "biz_opaque_callback_data", f),
            ErrorCode = error.ValueKind == JsonValueKind.Object ? Int(error, "code", f) : null,
            ErrorTitle = error.ValueKind == JsonValueKind.Object ? Text(error, "title", f) ?? Text(error, "message", f) : null,
            PricingCategory = pricing is { } p ? Str(p, "category", f) : null,
            PricingType = pricing is { } p2 ? Str(p2, "type", f) : null,
            Billable = pricing is { } p3 && Get(p3, "billable", f, out var b) && b.ValueKind is JsonValueKind.True or JsonValueKind.False
                ? b.GetBoolean()
                : null,
        };
        return f.Problem is null ? item : null;
    }

    private static void ReadUserPreferences(JsonElement value, WebhookBatch batch, string at)
    {
        var i = 0;
        var here = new Fields(batch, at);
        foreach (var p in Array(value, "user_preferences", here))
        {
            var f = new Fields(batch, $"{at}.user_preferences[{i++}]");
            var category = Str(p, "category", f);
            var choice = Str(p, "value", f);
            var when = Timestamp(p, "timestamp", f);
            var waId = Str(p, "wa_id", f, 20);
            var userId = Str(p, "user_id", f, 160);
            if (f.Problem is null && (category is null || choice is null || when is null || (waId is null && userId is null)))
            {
                f.Missing(category is null ? "category" : choice is null ? "value" : when is null ? "timestamp" : "wa_id");
            }

            if (f.Problem is { } problem)
            {
                batch.Skipped.Add(problem);
                continue;
            }

            batch.UserPreferences.Add(new UserPreferenceItem
            {
                WaId = waId,
                UserId = userId,
                Category = category!,
                Value = choice!,
                At = when!.Value,
            });
        }

        if (here.Problem is { } unreadable)
        {
            batch.Skipped.Add(unreadable);
        }
    }

    private static void ReadTemplateStatus(JsonElement value, WebhookBatch batch, string at)
    {
        var f = new Fields(batch, at);
        var ev = Str(value, "event", f) ?? (Str(value, "new_category", f) is not null ? "CATEGORY_UPDATE" : null)
                 ?? (Str(value, "new_quality_score", f) is not null ? "QUALITY_UPDATE" : null);
        var item = new TemplateStatusItem
        {
            TemplateId = Str(value, "message_template_id", f),
            Name = Str(value, "message_template_name", f),
            Language = Str(value, "message_template_language", f),
            Event = ev ?? "",
            Reason = Text(value, "reason", f) ?? Str(value, "new_quality_score", f),
            Category = Str(value, "message_template_category", f) ?? Str(value, "new_category", f),
        };
        if (f.Problem is null && ev is null)
        {
            f.Missing("event");
        }

        if (f.Problem is { } problem)
        {
            batch.Skipped.Add(problem);
            return;
        }

        batch.TemplateStatuses.Add(item);
    }
}
