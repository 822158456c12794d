using System.Text.Json;
using System.Text.Json.Nodes;
using static Kabar.Common.JsonText;

namespace Kabar.Simulator;

public sealed partial class CloudApiSimulator
{
    /// <summary>
    /// <c>POST /{version}/{phone-number-id}/messages</c>, arrived at <paramref name="arrivedAt"/>: Meta
    /// counts a number's throughput when its requests arrive, before it works on them and answers.
    /// </summary>
    internal SimSendResult Send(string phoneNumberId, string? authorization, JsonElement body, DateTimeOffset arrivedAt)
    {
        if (!Authorized(authorization))
        {
            return Refuse(new GraphError(190, 401, "Invalid OAuth access token - Cannot parse access token", null));
        }

        if (ReadSend(body) is not { } request)
        {
            return Refuse(InvalidParameter("The request body must be a JSON object."));
        }

        if (request.Error is { } invalid)
        {
            return Refuse(invalid);
        }

        var (to, recipientUserId) = (request.To, request.RecipientUserId);
        var fault = TakeFault(to);
        var delay = fault?.DelayMs is { } ms ? TimeSpan.FromMilliseconds(ms) : TimeSpan.Zero;
        switch (fault?.Mode)
        {
            case "sync":
                return Refuse(Error(fault.Code, fault.RetryAfterSeconds is { } s ? TimeSpan.FromSeconds(s) : null)) with { Delay = delay };
            case "timeout":
                return new SimSendResult(null, null, Unanswered: true, Delay: fault.DelayMs is null ? TimeSpan.FromMinutes(2) : delay);
            case "slow" when fault.DelayMs is null:
                delay = TimeSpan.FromSeconds(2);
                break;
        }

        var now = arrivedAt;
        var limit = RateCheck(phoneNumberId, Digits(to ?? recipientUserId!), now);
        if (limit is not null)
        {
            return Refuse(limit);
        }

        var message = Accept(phoneNumberId, request, StringOf(body, "biz_opaque_callback_data"), now);
        ScheduleStatuses(message, request.Template, fault, now);
        return new SimSendResult(null, message, Hang: fault is { Mode: "hang" }, Delay: fault is { Mode: "slow" } ? delay : TimeSpan.Zero);
    }

    /// <summary>What a send asks for, or the error Meta answers it with (<see cref="SendRequest.Error"/>); null when the body is not an object.</summary>
    private SendRequest? ReadSend(JsonElement body)
    {
        if (body.ValueKind != JsonValueKind.Object)
        {
            return null;
        }

        var request = new SendRequest { To = StringOf(body, "to"), RecipientUserId = StringOf(body, "recipient"), Type = StringOf(body, "type") ?? "text" };
        if (StringOf(body, "messaging_product") != "whatsapp")
        {
            return request with { Error = InvalidParameter("The parameter messaging_product is required and must be 'whatsapp'.") };
        }

        if (string.IsNullOrWhiteSpace(request.To) && string.IsNullOrWhiteSpace(request.RecipientUserId))
        {
            return request with { Error = InvalidParameter("The parameter to is required.") };
        }

        if (request.Type == "template")
        {
            return body.TryGetProperty("template", out var t) && t.ValueKind == JsonValueKind.Object
                ? ReadTemplate(request, t)
                : request with { Error = InvalidParameter("The parameter template is required.") };
        }

        if (request.Type == "text")
        {
            var text = body.TryGetProperty("text", out var tx) && tx.ValueKind == JsonValueKind.Object ? StringOf(tx, "body") : null;
            return string.IsNullOrEmpty(text)
                ? request with { Error = InvalidParameter("The parameter text['body'] is required.") }
                : request with { Text = text };
        }

        return request;
    }

    private SendRequest ReadTemplate(SendRequest request, JsonElement t)
    {
        var name = StringOf(t, "name");
        var language = t.TryGetProperty("language", out var l) && l.ValueKind == JsonValueKind.Object ? StringOf(l, "code") : null;
        request = request with { TemplateName = name, Language = language };
        if (string.IsNullOrWhiteSpace(name))
        {
            return request with { Error = InvalidParameter("The parameter template['name'] is required.") };
        }

        if (string.IsNullOrWhiteSpace(language))
        {
            return request with { Error = InvalidParameter("The parameter template['language']['code'] is required.") };
        }

        var parameters = BodyParameters(t);
        var template = FindTemplate(name, language);
        request = request with { Parameters = parameters, Template = template };
        GraphError? error = template?.Status switch
        {
            null or not ("APPROVED" or "PAUSED" or "DISABLED") => new GraphError(132001, 404, "(#132001) Template name does not exist in the translation",
                $"template name ({name}) does not exist in {language}"),
            "PAUSED" => new GraphError(132015, 400, "(#132015) Template is Paused",
                $"Template {name} is paused because of low quality; it cannot be sent."),
            "DISABLED" => new GraphError(132016, 400, "(#132016) Template is Disabled",
                $"Template {name} was disabled because of low quality; it cannot be sent."),
            _ when parameters.Count != template!.ParameterCount => new GraphError(132000, 400,
                "(#132000) Number of parameters does not match the expected number of params",
                $"body: number of localizable_params ({parameters.Count}) does not match the expected number of params ({template.ParameterCount})"),
            _ => null,
        };
        return request with { Error = error };
    }

    private SimMessage Accept(string phoneNumberId, SendRequest request, string? callback, DateTimeOffset now)
    {
        var message = new SimMessage
        {
            Id = NewWamid(),
            PhoneNumberId = phoneNumberId,
            To = request.To,
            RecipientUserId = string.IsNullOrWhiteSpace(request.To) ? request.RecipientUserId : null,
            Type = request.Type,
            TemplateName = request.TemplateName,
            TemplateLanguage = request.Language,
            Parameters = request.Parameters,
            Text = request.Text,
            CallbackData = callback,
            ReceivedAt = now,
        };
        messages[message.Id] = message;
        order.Enqueue(message);
        Interlocked.Increment(ref accepted);
        if (message.CallbackData is { Length: > 0 } cb && !callbackData.TryAdd(cb, 0))
        {
            Interlocked.Increment(ref duplicateCallbackData);
        }

        return message;
    }

    /// <summary>
    /// How long Meta takes to answer a send once it arrived: <see cref="SimulatorOptions.SendLatency"/>
    /// ± <see cref="SimulatorOptions.SendLatencyJitter"/>, evenly spread.
    /// </summary>
    internal TimeSpan AnswerLatency()
    {
        var jitter = options.SendLatencyJitter.Ticks;
        var ticks = options.SendLatency.Ticks + (jitter == 0 ? 0 : (long)((NextDouble() * 2 - 1) * jitter));
        return TimeSpan.FromTicks(Math.Max(0, ticks));
    }

    private SimSendResult Refuse(GraphError error)
    {
        refusedByCode.AddOrUpdate(error.Code, 1, (_, n) => n + 1);
        return new SimSendResult(error, null);
    }

    private sealed record SendRequest
    {
        public string? To { get; init; }
        public string? RecipientUserId { get; init; }
        public string Type { get; init; } = "text";
        public string? TemplateName { get; init; }
        public string? Language { get; init; }
        public string? Text { get; init; }
        public List<string> Parameters { get; init; } = [];
        public SimTemplate? Template { get; init; }
        public GraphError? Error { get; init; }
    }


    private GraphError? RateCheck(string phoneNumberId, string recipient, DateTimeOffset now)
    {
        var mps = options.MessagesPerSecond
            ?? whatsApp.Value.EffectiveNumbers.FirstOrDefault(n => n.PhoneNumberId == phoneNumberId)?.MessagesPerSecond
            ?? 80;
        var state = numbers.GetOrAdd(phoneNumberId, _ => new NumberState());
        var nowTicks = now.UtcTicks;
        lock (state)
        {
            if (OverTheRate(state, nowTicks, mps))
            {
                throttled.Enqueue((phoneNumberId, now));
                if (throttled.Count > ThrottledKept)
                {
                    throttled.TryDequeue(out _);
                }

                return Error(130429, null);
            }

            // Pair rate: a bucket of PairRateBurst tokens per recipient, refilled one per interval.
            var interval = options.PairRateInterval.Ticks;
            var (tokens, at) = state.Pairs.TryGetValue(recipient, out var pair) ? pair : (options.PairRateBurst, nowTicks);
            if (interval > 0)
            {
                tokens = Math.Min(options.PairRateBurst, tokens + (double)(nowTicks - at) / interval);
            }
            else
            {
                tokens = options.PairRateBurst;
            }

            if (tokens < 1)
            {
                state.Pairs[recipient] = (tokens, nowTicks);
                return Error(131056, null);
            }

            state.Pairs[recipient] = (tokens - 1, nowTicks);
            state.Accepted.Insert(UpperBound(state.Accepted, nowTicks), nowTicks);
            return null;
        }
    }

    /// <summary>
    /// Whether one more arrival at <paramref name="at"/> would put more than <paramref name="mps"/> in a
    /// sliding second. Requests are worked on in about the order they arrived, not exactly: the
    /// windows that would hold it are the one ending at it and those ending at each later arrival
    /// within a second. Records the fullest window in <see cref="NumberState.MaxInSecond"/>.
    /// </summary>
    private static bool OverTheRate(NumberState state, long at, int mps)
    {
        var accepted = state.Accepted;
        var stale = UpperBound(accepted, at - (2 * TimeSpan.TicksPerSecond));
        accepted.RemoveRange(0, stale);
        var fullest = CountIn(accepted, at - TimeSpan.TicksPerSecond, at) + 1;
        for (var i = UpperBound(accepted, at); i < accepted.Count && accepted[i] < at + TimeSpan.TicksPerSecond; i++)
        {
            fullest = Math.Max(fullest, CountIn(accepted, accepted[i] - TimeSpan.TicksPerSecond, accepted[i]) + 1);
        }

        if (fullest > mps)
        {
            return true;
        }

        state.MaxInSecond = Math.Max(state.MaxInSecond, fullest);
        return false;
    }

    /// <summary>Arrivals in (<paramref name="after"/>, <paramref name="upTo"/>].</summary>
    private static int CountIn(List<long> sorted, long after, long upTo) => UpperBound(sorted, upTo) - UpperBound(sorted, after);

    /// <summary>The index of the first arrival later than <paramref name="value"/>.</summary>
    private static int UpperBound(List<long> sorted, long value)
    {
        var i = sorted.BinarySearch(value);
        if (i < 0)
        {
            return ~i;
        }

        while (i < sorted.Count && sorted[i] == value)
        {
            i++;
        }

        return i;
    }

    private void ScheduleStatuses(SimMessage message, SimTemplate? template, FaultRequest? fault, DateTimeOffset now)
    {
        var recipientDigits = message.To is null ? null : Digits(message.To);
        var windowOpen = recipientDigits is not null && windows.TryGetValue(recipientDigits, out var last) && now - last < Window;
        var sent = now + options.SentDelay;
        List<(string Status, DateTimeOffset At, int? Code)> events = [];
        if (recipientDigits is not null && notOnWhatsApp.Contains(recipientDigits))
        {
            // Meta accepts the send and reports the undeliverable number only by webhook.
            events.Add(("failed", sent, 131026));
        }
        else if (fault is { Mode: "status" })
        {
            events.Add(("failed", sent, fault.Code));
        }
        else if (template is null && options.EnforceWindow && !windowOpen)
        {
            // Free-form outside the customer service window: accepted, then failed by webhook.
            events.Add(("failed", sent, 131047));
        }
        else
        {
            var delivered = sent + options.DeliveredDelay;
            events.Add(("sent", sent, null));
            events.Add(("delivered", delivered, null));
            if (options.ReadDelay is { } read)
            {
                events.Add(("read", delivered + read, null));
            }
        }

        var postAt = events.Select(e => e.At).ToList();
        if (events.Count > 1 && NextDouble() < options.ReorderRate)
        {
            postAt.Reverse();
        }

        for (var i = 0; i < events.Count; i++)
        {
            var (status, at, code) = events[i];
            if (NextDouble() < options.LossRate)
            {
                message.Record(new SimStatus(status, at, code, Lost: true, Duplicate: false));
                continue;
            }

            webhooks.Schedule(StatusItem(message, template, status, at, code, duplicate: false, windowOpen), postAt[i]);
            if (NextDouble() < options.DuplicateRate)
            {
                webhooks.Schedule(StatusItem(message, template, status, at, code, duplicate: true, windowOpen),
                    postAt[i] + options.WebhookBatchInterval);
            }
        }
    }

    private static WebhookItem StatusItem(SimMessage message, SimTemplate? template, string status, DateTimeOffset at,
        int? code, bool duplicate, bool windowOpen)
    {
        var payload = new JsonObject
        {
            ["id"] = message.Id,
            ["status"] = status,
            ["timestamp"] = Unix(at),
        };
        if (message.To is not null)
        {
            payload["recipient_id"] = Digits(message.To);
        }
        else
        {
            payload["recipient_user_id"] = message.RecipientUserId;
        }

        if (message.CallbackData is not null)
        {
            payload["biz_opaque_callback_data"] = message.CallbackData;
        }

        if (status is "sent" or "delivered")
        {
            var category = template?.Category.ToLowerInvariant() ?? "service";
            var free = template is null || (category == "utility" && windowOpen);
            payload["pricing"] = new JsonObject
            {
                ["billable"] = !free,
                ["pricing_model"] = "PMP",
                ["type"] = free ? "free_customer_service" : "regular",
                ["category"] = category,
            };
        }

        if (code is { } c)
        {
            var error = Error(c, null);
            payload["errors"] = new JsonArray(new JsonObject
            {
                ["code"] = c,
                ["title"] = Title(c),
                ["message"] = Title(c),
                ["error_data"] = new JsonObject { ["details"] = error.Details },
                ["href"] = "/documentation/business-messaging/whatsapp/support/error-codes",
            });
        }

        return new WebhookItem("messages", message.PhoneNumberId, payload, message, status, code, duplicate);
    }

    private FaultRequest? TakeFault(string? to)
    {
        var now = time.GetUtcNow();
        lock (faultsGate)
        {
            faults.RemoveAll(f => f.Until <= now);
            var digits = to is null ? null : Digits(to);
            foreach (var fault in faults)
            {
                if (fault.Request.To is not null && (digits is null || Digits(fault.Request.To) != digits))
                {
                    continue;
                }

                if (fault.Request.Share is { } share && NextDouble() >= share)
                {
                    continue; // this send is one of those the fault spares
                }

                if (fault.Until is null && --fault.Remaining <= 0)
                {
                    faults.Remove(fault);
                }

                faultHits.Enqueue(new SimFaultHit(now, fault.Request.Code, fault.Request.Mode, to));
                if (faultHits.Count > InboundCapacity * 10)
                {
                    faultHits.Dequeue(); // a long outage in the sandbox must not grow the record without end
                }

                return fault.Request;
            }

            return null;
        }
    }
}
