using System.Globalization;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json;
using System.Text.Unicode;

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

/// <summary>
/// A part of a post that could not be read and was skipped: the item (<c>entry[0].changes[1].value.messages[2]</c>),
/// the field, and why (<c>invalid UTF-8</c>, <c>unpaired surrogate escape</c>, <c>missing or empty</c>…).
/// </summary>
public sealed record SkippedPart(string Item, string Field, string Reason)
{
    public override string ToString() => Field.Length == 0 ? $"{Item}: {Reason}" : $"{Item}.{Field}: {Reason}";
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

    /// <summary>Items skipped because a field that identifies them was missing, malformed or unreadable.</summary>
    public List<SkippedPart> Skipped { get; } = [];

    /// <summary>How many items were skipped (<see cref="Skipped"/>).</summary>
    public int Malformed => Skipped.Count;

    /// <summary>Free-text fields whose invalid bytes, unpaired surrogates or NULs were replaced by U+FFFD; their items were kept.</summary>
    public int Repaired { get; set; }

    /// <summary>Changes with a <c>field</c> Kabar does not handle; ignored, as Meta asks.</summary>
    public int IgnoredChanges { get; set; }
}

/// <summary>
/// Reads Meta's webhook envelope (SPEC §1, WHATSAPP-PAYLOADS.md) leniently: unknown keys and
/// fields are ignored, a malformed item is recorded in <see cref="WebhookBatch.Skipped"/> and
/// skipped without losing its neighbours, and identifiers may be missing (a username user has a
/// business-scoped id and no phone). A signed body can still hold bytes that are no UTF-8, or
/// the valid JSON escape of half a surrogate pair (<c>\ud800</c>), which .NET cannot turn into a
/// string: an item whose identifying field (an id, a wa_id, a type, a status, a template name)
/// is unreadable is skipped, as a guess at an id would store the wrong thing; a free-text field
/// (what the person wrote, a profile name, an error title) keeps its item, with each unreadable
/// sequence replaced by U+FFFD, as Unicode recommends for text in transit. Nothing here throws
/// for the content of an item: one bad item never costs its neighbours.
/// </summary>
public static class WebhookPayload
{
    public static WebhookBatch Parse(JsonElement root)
    {
        var batch = new WebhookBatch();
        var post = new Fields(batch, "post");
        if (!Get(root, "entry", post, out var entries) || entries.ValueKind != JsonValueKind.Array)
        {
            if (post.Problem is { } unreadable)
            {
                batch.Skipped.Add(unreadable);
            }

            return batch;
        }

        var e = -1;
        foreach (var entry in entries.EnumerateArray())
        {
            e++;
            var here = new Fields(batch, $"entry[{e}]");
            if (!Get(entry, "changes", here, out var changes) || changes.ValueKind != JsonValueKind.Array)
            {
                if (here.Problem is { } unreadable)
                {
                    batch.Skipped.Add(unreadable);
                }

                continue;
            }

            var c = -1;
            foreach (var change in changes.EnumerateArray())
            {
                c++;
                var at = $"entry[{e}].changes[{c}]";
                var fields = new Fields(batch, at);
                if (!Get(change, "value", fields, out var value) || value.ValueKind != JsonValueKind.Object)
                {
                    batch.Skipped.Add(fields.Problem ?? new SkippedPart(at, "value", "missing or not an object"));
                    continue;
                }

                var kind = Str(change, "field", fields);
                if (fields.Problem is { } problem)
                {
                    batch.Skipped.Add(problem);
                    continue;
                }

                switch (kind)
                {
                    case "messages":
                        Guarded(batch, $"{at}.value", () => ReadMessages(value, batch, $"{at}.value"));
                        break;
                    case "user_preferences":
                        Guarded(batch, $"{at}.value", () => ReadUserPreferences(value, batch, $"{at}.value"));
                        break;
                    case "message_template_status_update":
                    case "template_category_update":
                    case "message_template_quality_update":
                        Guarded(batch, $"{at}.value", () => ReadTemplateStatus(value, batch, $"{at}.value"));
                        break;
                    default:
                        batch.IgnoredChanges++;
                        break;
                }
            }
        }

        return batch;
    }

    /// <summary>
    /// The last line of defence: should reading an item fail in a way the readers below do not
    /// foresee, that item is skipped and named, and the post goes on.
    /// </summary>
    private static void Guarded(WebhookBatch batch, string item, Action read)
    {
        try
        {
            read();
        }
        catch (Exception ex) when (ex is InvalidOperationException or ArgumentException or FormatException or OverflowException
                                       or ObjectDisposedException or JsonException)
        {
            batch.Skipped.Add(new SkippedPart(item, "", $"unreadable ({ex.GetType().Name})"));
        }
    }

    private static void ReadMessages(JsonElement value, WebhookBatch batch, string at)
    {
        var here = new Fields(batch, at);
        string? phoneNumberId = null;
        if (Get(value, "metadata", here, out var metadata))
        {
            var fields = new Fields(batch, $"{at}.metadata");
            phoneNumberId = Str(metadata, "phone_number_id", fields, 64);
            if (fields.Problem is { } problem)
            {
                // The messages stay: their answers go out from the first number instead.
                batch.Skipped.Add(problem);
            }
        }

        // contacts[] carries the profile name and ids of the senders in this value.
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

        i = 0;
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
                    newWaId = Str(system, "wa_id", f) ?? Str(system, "new_wa_id", f);
                    newUserId = Str(system, "user_id", f) ?? Str(system, "new_user_id", f);
                }

                break;
        }

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
            Text = text,
            Payload = payload,
            ContextWamid = contextWamid,
            SystemType = systemType,
            SystemNewWaId = newWaId,
            SystemNewUserId = newUserId,
        };
    }

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

    /// <summary>
    /// <see cref="JsonElement.TryGetProperty(string, out JsonElement)"/>, which throws when it
    /// compares against a key holding an escaped unpaired surrogate: recorded in <paramref name="f"/>.
    /// </summary>
    private static bool Get(JsonElement parent, string name, Fields f, out JsonElement value)
    {
        value = default;
        if (parent.ValueKind != JsonValueKind.Object)
        {
            return false;
        }

        try
        {
            return parent.TryGetProperty(name, out value);
        }
        catch (InvalidOperationException)
        {
            f.Unreadable(name, "not found: a key beside it is an unpaired surrogate escape");
            return false;
        }
    }

    private static IEnumerable<JsonElement> Array(JsonElement parent, string name, Fields f) =>
        Get(parent, name, f, out var array) && array.ValueKind == JsonValueKind.Array
            ? array.EnumerateArray().Where(e => e.ValueKind == JsonValueKind.Object)
            : [];

    private static JsonElement? Child(JsonElement parent, string name, Fields f) =>
        Get(parent, name, f, out var child) && child.ValueKind == JsonValueKind.Object ? child : null;

    /// <summary>
    /// An identifying string, or a number written as text (ids are strings, but be lenient).
    /// Unreadable text (invalid UTF-8, an unpaired surrogate, a NUL, which PostgreSQL cannot
    /// store) is recorded in <paramref name="f"/> and read as null.
    /// </summary>
    private static string? Str(JsonElement parent, string name, Fields f, int max = int.MaxValue)
    {
        if (!Get(parent, name, f, out var v))
        {
            return null;
        }

        switch (v.ValueKind)
        {
            case JsonValueKind.String:
                string? s;
                try
                {
                    s = v.GetString();
                }
                catch (InvalidOperationException)
                {
                    f.Unreadable(name, Why(v));
                    return null;
                }

                if (s is not null && s.Contains('\0', StringComparison.Ordinal))
                {
                    f.Unreadable(name, "NUL character");
                    return null;
                }

                return s is { Length: > 0 } ? Fit(s, name, f, max) : null;
            case JsonValueKind.Number:
                return Fit(v.GetRawText(), name, f, max);
            default:
                return null;
        }
    }

    /// <summary>An identifier longer than its column cannot be the one Meta meant: PostgreSQL would refuse the whole post.</summary>
    private static string? Fit(string s, string name, Fields f, int max)
    {
        if (s.Length <= max)
        {
            return s;
        }

        f.Unreadable(name, string.Create(CultureInfo.InvariantCulture, $"longer than {max} characters"));
        return null;
    }

    /// <summary>
    /// Free text: what cannot be read becomes U+FFFD (each invalid UTF-8 sequence, each unpaired
    /// surrogate, each NUL) and the item is kept; <see cref="WebhookBatch.Repaired"/> counts it.
    /// </summary>
    private static string? Text(JsonElement parent, string name, Fields f)
    {
        if (!Get(parent, name, f, out var v) || v.ValueKind != JsonValueKind.String)
        {
            return Str(parent, name, f);
        }

        string s;
        try
        {
            s = v.GetString() ?? "";
        }
        catch (InvalidOperationException)
        {
            s = Lenient(JsonMarshal.GetRawUtf8Value(v));
            f.Batch.Repaired++;
        }

        if (s.Contains('\0', StringComparison.Ordinal))
        {
            s = s.Replace('\0', '\uFFFD');
            f.Batch.Repaired++;
        }

        return s.Length > 0 ? s : null;
    }

    /// <summary>Why a string token cannot be read: its bytes, or an escape of half a surrogate pair.</summary>
    private static string Why(JsonElement v) =>
        Utf8.IsValid(JsonMarshal.GetRawUtf8Value(v)) ? "unpaired surrogate escape (\\uD800-\\uDFFF)" : "invalid UTF-8";

    /// <summary>
    /// A JSON string token (quotes included; its escapes already checked by the parser) as text,
    /// with each invalid UTF-8 sequence and each unpaired surrogate replaced by U+FFFD.
    /// </summary>
    internal static string Lenient(ReadOnlySpan<byte> token)
    {
        var raw = token.Length >= 2 && token[0] == '"' ? token[1..^1] : token;
        var text = new StringBuilder(raw.Length);
        while (raw.Length > 0)
        {
            var slash = raw.IndexOf((byte)'\\');
            text.Append(Encoding.UTF8.GetString(slash < 0 ? raw : raw[..slash])); // replaces invalid bytes
            if (slash < 0 || slash + 1 >= raw.Length)
            {
                break;
            }

            var escape = raw[slash + 1];
            if (escape == 'u' && slash + 6 <= raw.Length
                && ushort.TryParse(raw.Slice(slash + 2, 4), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var unit))
            {
                text.Append((char)unit);
                raw = raw[(slash + 6)..];
                continue;
            }

            text.Append(escape switch
            {
                (byte)'b' => '\b',
                (byte)'f' => '\f',
                (byte)'n' => '\n',
                (byte)'r' => '\r',
                (byte)'t' => '\t',
                _ => (char)escape,
            });
            raw = raw[(slash + 2)..];
        }

        // Escapes may have left halves of surrogate pairs alone.
        for (var i = 0; i < text.Length; i++)
        {
            if (char.IsHighSurrogate(text[i]) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
            {
                i++;
            }
            else if (char.IsSurrogate(text[i]))
            {
                text[i] = '\uFFFD';
            }
        }

        return text.ToString();
    }

    private static int? Int(JsonElement parent, string name, Fields f) =>
        Str(parent, name, f) is { } s && int.TryParse(s, NumberStyles.Integer, CultureInfo.InvariantCulture, out var i) ? i : null;

    /// <summary>Unix seconds, as a string (messages, statuses) or a number (user_preferences).</summary>
    private static DateTime? Timestamp(JsonElement parent, string name, Fields f) =>
        Str(parent, name, f) is { } s
        && long.TryParse(s, NumberStyles.Integer, CultureInfo.InvariantCulture, out var seconds)
        && seconds is > 0 and < 253402300799
            ? DateTimeOffset.FromUnixTimeSeconds(seconds).UtcDateTime
            : null;

    /// <summary>One item being read: the first field that made it unreadable, if any.</summary>
    private sealed class Fields(WebhookBatch batch, string item)
    {
        public WebhookBatch Batch { get; } = batch;

        public SkippedPart? Problem { get; private set; }

        public void Unreadable(string field, string reason) => Problem ??= new SkippedPart(item, field, reason);

        public void Missing(string field) => Problem ??= new SkippedPart(item, field, "missing, empty or malformed");
    }
}
