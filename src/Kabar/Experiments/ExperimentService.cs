using System.Text.Json;
using System.Text.RegularExpressions;
using Kabar.Campaigns;
using Kabar.Common;
using Kabar.Data;
using Kabar.Notifications;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Kabar.Experiments;

/// <summary>Creating experiments and analysing them from the recorded asks; shared by the API and the console.</summary>
public sealed partial class ExperimentService(IOptions<ExperimentOptions> options, TimeProvider time)
{
    public const int MaxVariants = 5;

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public static IReadOnlyList<ExperimentVariant> ReadVariants(string json) =>
        JsonSerializer.Deserialize<List<ExperimentVariant>>(json, Json) ?? [];

    [GeneratedRegex("^[a-z0-9][a-z0-9_-]{0,31}$")]
    private static partial Regex KeyPattern();

    /// <summary>Validates and adds an experiment (not saved); null with <paramref name="errors"/> filled when the request is bad.</summary>
    public Experiment? Create(KabarDbContext db, ExperimentRequest request, string createdBy, FieldErrors errors)
    {
        var name = request.Name?.Trim();
        if (string.IsNullOrEmpty(name) || name.Length > 200)
        {
            errors.Add("name", "Give the experiment a name of 1 to 200 characters.");
        }

        var days = request.AttributionDays ?? (int)Math.Round(options.Value.AttributionWindow.TotalDays);
        if (days is < 1 or > 90)
        {
            errors.Add("attributionDays", "Give an attribution window between 1 and 90 days (default 14).");
        }

        var variants = new List<ExperimentVariant>();
        var input = request.Variants ?? [];
        if (input.Count is < 2 or > MaxVariants)
        {
            errors.Add("variants", $"Give 2 to {MaxVariants} variants; the first is the control.");
        }

        var keys = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < input.Count; i++)
        {
            var v = input[i];
            var field = $"variants[{i}]";
            if (v is null)
            {
                errors.Add(field, "Give each variant as an object: { \"key\": \"a\", \"weight\": 1, \"sms\": { \"id\": …, \"en\": … } }.");
                continue;
            }

            var key = v.Key?.Trim().ToLowerInvariant() ?? "";
            if (!KeyPattern().IsMatch(key))
            {
                errors.Add($"{field}.key", "Use 1 to 32 lowercase letters, digits, '-' or '_', for example 'a' or 'short-text'.");
            }
            else if (!keys.Add(key))
            {
                errors.Add($"{field}.key", $"The key '{key}' is used twice; each variant needs its own.");
            }

            if (v.Weight is not { } weight || weight is < 1 or > 1000)
            {
                errors.Add($"{field}.weight", "Give a whole weight between 1 and 1000 (weights 1 and 1 split evenly).");
            }

            var sms = Text(v.Sms, $"{field}.sms", errors);
            var email = Text(v.Email, $"{field}.email", errors);
            variants.Add(new ExperimentVariant(key, v.Weight ?? 0, sms, email));
        }

        if (errors.Any)
        {
            return null;
        }

        var experiment = new Experiment
        {
            Id = Guid.CreateVersion7(),
            Name = name!,
            State = ExperimentState.Running,
            VariantsJson = JsonSerializer.Serialize(variants, Json),
            AttributionDays = days,
            CreatedBy = createdBy,
            CreatedAt = time.GetUtcNow().UtcDateTime,
        };
        db.Experiments.Add(experiment);
        return experiment;
    }

    /// <summary>
    /// A request text in both languages, or null for the catalog's. Each must carry <c>{link}</c>
    /// (the personal link is the whole point) and <c>{office_name}</c> (who asks); the stop link is
    /// appended by the composer.
    /// </summary>
    private static LocalizedText? Text(TextRequest? text, string field, FieldErrors errors)
    {
        if (text is null || (string.IsNullOrWhiteSpace(text.Id) && string.IsNullOrWhiteSpace(text.En)))
        {
            return null;
        }

        foreach (var (lang, value) in new[] { ("id", text.Id), ("en", text.En) })
        {
            if (string.IsNullOrWhiteSpace(value))
            {
                errors.Add($"{field}.{lang}", "Give the text in both Indonesian (id) and English (en), or neither to use the standard text.");
            }
            else if (!value.Contains("{link}", StringComparison.Ordinal) || !value.Contains("{office_name}", StringComparison.Ordinal))
            {
                errors.Add($"{field}.{lang}", "The text must contain the placeholders {link} (the person's opt-in link) and {office_name} (who asks).");
            }
            else if (value.Length > 1000)
            {
                errors.Add($"{field}.{lang}", "A request text has at most 1000 characters.");
            }
        }

        return new LocalizedText(text.Id?.Trim() ?? "", text.En?.Trim() ?? "");
    }

    /// <summary>The experiment with each variant's asks and conversions over every campaign that used it, and the analysis.</summary>
    public async Task<ExperimentResponse?> ReadAsync(KabarDbContext db, Guid id, string language, CancellationToken ct)
    {
        var experiment = await db.Experiments.AsNoTracking().FirstOrDefaultAsync(e => e.Id == id, ct);
        if (experiment is null)
        {
            return null;
        }

        var variants = ReadVariants(experiment.VariantsJson);
        var asks = await AskResults.ReadAsync(db, db.CampaignAsks.Where(a => a.ExperimentId == id), ct);
        var counted = asks.Where(a => a.Counted).ToList();
        var counts = variants.Select(v => new VariantCounts(v.Key,
            counted.LongCount(a => a.VariantKey == v.Key),
            counted.LongCount(a => a.VariantKey == v.Key && a.Converted))).ToList();
        var analysis = ExperimentStatistics.Analyze(counts);
        var now = time.GetUtcNow().UtcDateTime;
        var results = variants.Zip(analysis.Variants, (v, r) => new VariantResultResponse(v.Key, v.Weight,
            v.Sms is null ? null : new TextRequest(v.Sms.Id, v.Sms.En), v.Email is null ? null : new TextRequest(v.Email.Id, v.Email.En),
            r.Asked, r.Converted, r.Rate, new IntervalResponse(r.Wilson95.Low, r.Wilson95.High), r.DifferenceFromControl,
            r.DifferenceSequence is { } d ? new IntervalResponse(d.Low, d.High) : null, r.AlwaysValidPValue)).ToList();
        return new ExperimentResponse(experiment.Id, experiment.Name, EnumText<ExperimentState>.Name(experiment.State), experiment.AttributionDays,
            experiment.CreatedAt, results, VerdictName(analysis.Verdict), analysis.Winner, analysis.MoreRequestsNeeded,
            language == "en" ? analysis.SummaryEn : analysis.SummaryId, analysis.SummaryId, analysis.SummaryEn,
            counted.LongCount(a => !a.Converted && a.AttributionEndsAt > now));
    }

    internal static string VerdictName(VerdictKind verdict) => verdict switch
    {
        VerdictKind.NotEnoughData => "not_enough_data",
        VerdictKind.NoDifferenceYet => "no_difference_yet",
        VerdictKind.Winner => "winner",
        VerdictKind.ControlBest => "control_best",
        _ => verdict.ToString(),
    };

    public static ExperimentSummary Summary(Experiment e) => new(e.Id, e.Name, EnumText<ExperimentState>.Name(e.State), e.AttributionDays,
        ReadVariants(e.VariantsJson).Select(v => v.Key).ToList(), e.CreatedAt);
}
