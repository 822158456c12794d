using System.Text.Json;

namespace Kabar.WhatsApp;

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
public static partial class WebhookPayload
{
    public static WebhookBatch Parse(JsonElement root)
    {
        var reader = new BatchReader(new WebhookBatch());
        Walk(root, ref reader);
        return reader.Batch;
    }

    /// <summary>
    /// How many statuses a post carries when it carries statuses and nothing else, else 0: every
    /// change is a <c>messages</c> change whose value has a <c>statuses</c> array and neither
    /// <c>messages</c> nor <c>errors</c>. Such a post is stored as it came and read with
    /// <see cref="Parse"/> after the 200; anything else (a STOP, a preference, a template event)
    /// is applied in the post's own transaction before it. A status missing its id or status is
    /// still counted here, and skipped when the post is read.
    /// </summary>
    public static int StatusesOnly(JsonElement root)
    {
        var reader = new StatusCounter();
        try
        {
            Walk(root, ref reader);
        }
        catch (InvalidOperationException)
        {
            // A key or field holds an escaped unpaired surrogate: the post takes the careful path,
            // where each item is read on its own and the unreadable ones are quarantined.
            return 0;
        }

        return reader.Other ? 0 : reader.Statuses;
    }

    /// <summary>What a walk over the envelope does at each of its places; returning false ends the walk.</summary>
    private interface IEnvelopeReader
    {
        /// <summary>The post has no <c>entry</c> array (<paramref name="unreadable"/>: a key beside it could not be read).</summary>
        void NoEntries(bool unreadable);

        /// <summary>Entry <paramref name="entry"/> is no object with a <c>changes</c> array.</summary>
        bool NoChanges(int entry, bool unreadable);

        bool Change(int entry, int index, JsonElement change);
    }

    /// <summary>
    /// The envelope, <c>entry[].changes[]</c>, shared by both readings: a struct reader, so the
    /// status-only count, which every status post goes through at the door, costs no allocation.
    /// </summary>
    private static void Walk<T>(JsonElement root, ref T reader) where T : struct, IEnvelopeReader
    {
        if (!TryGet(root, "entry", out var entries, out var unreadable) || entries.ValueKind != JsonValueKind.Array)
        {
            reader.NoEntries(unreadable);
            return;
        }

        var e = -1;
        foreach (var entry in entries.EnumerateArray())
        {
            e++;
            if (!TryGet(entry, "changes", out var changes, out unreadable) || changes.ValueKind != JsonValueKind.Array)
            {
                if (!reader.NoChanges(e, unreadable))
                {
                    return;
                }

                continue;
            }

            var c = -1;
            foreach (var change in changes.EnumerateArray())
            {
                c++;
                if (!reader.Change(e, c, change))
                {
                    return;
                }
            }
        }
    }

    /// <summary>Reads every change into a batch, skipping and naming what cannot be read.</summary>
    private readonly struct BatchReader(WebhookBatch batch) : IEnvelopeReader
    {
        public WebhookBatch Batch => batch;

        public void NoEntries(bool unreadable)
        {
            if (unreadable)
            {
                batch.Skipped.Add(new SkippedPart("post", "entry", UnreadableKey));
            }
        }

        public bool NoChanges(int entry, bool unreadable)
        {
            if (unreadable)
            {
                batch.Skipped.Add(new SkippedPart($"entry[{entry}]", "changes", UnreadableKey));
            }

            return true;
        }

        public bool Change(int entry, int index, JsonElement change)
        {
            ReadChange(change, batch, $"entry[{entry}].changes[{index}]");
            return true;
        }
    }

    /// <summary>Counts the statuses of a post until it finds something that is not a status.</summary>
    private struct StatusCounter : IEnvelopeReader
    {
        public int Statuses;
        public bool Other;

        public void NoEntries(bool unreadable) => Other = true;

        public bool NoChanges(int entry, bool unreadable)
        {
            Other = true;
            return false;
        }

        public bool Change(int entry, int index, JsonElement change)
        {
            if (change.ValueKind != JsonValueKind.Object
                || !change.TryGetProperty("field", out var field) || field.ValueKind != JsonValueKind.String || !field.ValueEquals("messages")
                || !change.TryGetProperty("value", out var value) || value.ValueKind != JsonValueKind.Object
                || !value.TryGetProperty("statuses", out var list) || list.ValueKind != JsonValueKind.Array
                || value.TryGetProperty("messages", out _) || value.TryGetProperty("errors", out _))
            {
                Other = true;
                return false;
            }

            Statuses += list.GetArrayLength();
            return true;
        }
    }

    private static void ReadChange(JsonElement change, WebhookBatch batch, string at)
    {
        var fields = new Fields(batch, at);
        if (!Get(change, "value", fields, out var value) || value.ValueKind != JsonValueKind.Object)
        {
            batch.Skipped.Add(fields.Problem ?? new SkippedPart(at, "value", "missing or not an object"));
            return;
        }

        var kind = Str(change, "field", fields);
        if (fields.Problem is { } problem)
        {
            batch.Skipped.Add(problem);
            return;
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

    /// <summary>
    /// The last line of defence: should reading an item fail in a way the item readers do not
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
}
