using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Running;
using BenchmarkDotNet.Toolchains.InProcess.Emit;
using Kabar.Consent;
using Kabar.Contacts;
using Kabar.Decisions;
using Kabar.Notifications;
using Kabar.WhatsApp;
using PhoneNumbers;

namespace Kabar.Benchmarks;

/// <summary>
/// BenchmarkDotNet micro-benchmarks of the hot paths, each class with a baseline where one means
/// something. <c>micro [--filter *Signature*] [--smoke]</c>: BenchmarkDotNet's own switcher and
/// arguments; in-process short runs (a few seconds a benchmark), <c>--smoke</c> one dry pass each.
/// Ends with one JSON line: every benchmark's mean, allocation and ratio to its class's baseline.
/// </summary>
public static class MicroBenchmarks
{
    public static int Run(string[] args)
    {
        var smoke = args.Contains("--smoke");
        args = [.. args.Where(a => a != "--smoke")];
        if (!args.Contains("--filter"))
        {
            args = [.. args, "--filter", "*"];
        }

        var job = (smoke ? Job.Dry : Job.ShortRun).WithToolchain(InProcessEmitToolchain.Instance);
        var config = ManualConfig.Create(DefaultConfig.Instance)
            .AddJob(job)
            .AddDiagnoser(BenchmarkDotNet.Diagnosers.MemoryDiagnoser.Default)
            .WithOptions(ConfigOptions.DisableOptimizationsValidator | ConfigOptions.JoinSummary);
        var summaries = BenchmarkSwitcher.FromTypes(
            [typeof(DecisionMicro), typeof(KeywordMicro), typeof(SignatureMicro), typeof(WebhookParseMicro), typeof(PhoneMicro)])
            .Run(args, config).ToList();
        var rows = summaries.SelectMany(Rows).ToList();
        Console.WriteLine(JsonSerializer.Serialize(new Dictionary<string, object?>
        {
            ["scenario"] = "micro",
            ["job"] = smoke ? "dry" : "short",
            ["benchmarks"] = rows,
        }));
        return rows.Count > 0 && rows.All(r => r["mean_ns"] is not null) ? 0 : 1;
    }

    private static IEnumerable<Dictionary<string, object?>> Rows(Summary summary)
    {
        foreach (var report in summary.Reports)
        {
            var b = report.BenchmarkCase;
            var baseline = summary.Reports.FirstOrDefault(r => r.BenchmarkCase.Descriptor.Type == b.Descriptor.Type && r.BenchmarkCase.Descriptor.Baseline);
            var mean = report.ResultStatistics?.Mean;
            var baseMean = baseline?.ResultStatistics?.Mean;
            yield return new Dictionary<string, object?>
            {
                ["class"] = b.Descriptor.Type.Name,
                ["method"] = b.Descriptor.WorkloadMethod.Name,
                ["baseline"] = b.Descriptor.Baseline,
                ["mean_ns"] = mean is { } m ? Math.Round(m, 1) : null,
                ["allocated_bytes"] = report.GcStats.GetBytesAllocatedPerOperation(b),
                ["ratio_to_baseline"] = mean is { } x && baseMean is { } y && y > 0 ? Math.Round(x / y, 2) : null,
            };
        }
    }
}

/// <summary>The decision of SPEC §5 for an opted-in person, one whose window is open, one withdrawn.</summary>
[MemoryDiagnoser]
public class DecisionMicro
{
    private static readonly DecisionPolicy Policy = new() { SmsCountries = new HashSet<string>(["ID"], StringComparer.OrdinalIgnoreCase) };
    private static readonly DateTime Now = new(2026, 11, 25, 3, 0, 0, DateTimeKind.Utc);
    private static readonly DecisionMessage Template = new(MessageKind.Template, MessageCategory.Utility);
    private readonly DecisionContact optedIn = new() { Phone = "+6281234567890", PhoneRegion = "ID", WhatsApp = ConsentState.Granted };
    private readonly DecisionContact inWindow = new() { Phone = "+6281234567890", PhoneRegion = "ID", WhatsApp = ConsentState.Unknown, LastInboundAt = Now.AddHours(-2) };
    private readonly DecisionContact withdrawn = new() { Phone = "+6281234567890", PhoneRegion = "ID", Email = "a@example.id", WhatsApp = ConsentState.Withdrawn };

    [Benchmark(Baseline = true)]
    public Decision OptedIn() => SendDecision.Decide(optedIn, Template, Now, Policy);

    [Benchmark]
    public Decision ServiceWindow() => SendDecision.Decide(inWindow, new DecisionMessage(MessageKind.Text, MessageCategory.Utility), Now, Policy);

    [Benchmark]
    public Decision Withdrawn() => SendDecision.Decide(withdrawn, Template, Now, Policy);
}

/// <summary>Whole-message keyword normalisation (SPEC §4) against a plain trim and lower-case.</summary>
[MemoryDiagnoser]
public class KeywordMicro
{
    private const string Text = "  Stop!! 🙏  ";

    [Benchmark(Baseline = true)]
    public string TrimLower() => Text.Trim().ToLowerInvariant();

    [Benchmark]
    public string KabarNormalize() => Keywords.Normalize(Text);

    [Benchmark]
    public string KabarNormalizeLongMessage() => Keywords.Normalize("kapan izin usaha saya selesai? sudah dua minggu 🙏");
}

/// <summary>X-Hub-Signature-256 over a batch of 100 statuses: a plain HMAC and hex comparison against Kabar's constant-time check.</summary>
[MemoryDiagnoser]
public class SignatureMicro
{
    private const string Secret = "bench-secret";
    private readonly byte[] body = Encoding.UTF8.GetBytes(MicroData.StatusBatch(100));
    private string header = "";

    [GlobalSetup]
    public void Setup() => header = WebhookSignature.Sign(body, Secret);

    [Benchmark(Baseline = true)]
    public bool PlainHmacHexCompare() =>
        string.Equals("sha256=" + Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(Secret), body)), header, StringComparison.Ordinal);

    [Benchmark]
    public bool KabarIsValid() => WebhookSignature.IsValid(body, header, Secret);
}

/// <summary>A batch of 100 statuses: parsed into a JsonDocument only, against Kabar's parse into status items.</summary>
[MemoryDiagnoser]
public class WebhookParseMicro
{
    private readonly byte[] body = Encoding.UTF8.GetBytes(MicroData.StatusBatch(100));

    [Benchmark(Baseline = true)]
    public int JsonDocumentOnly()
    {
        using var json = JsonDocument.Parse(body);
        return json.RootElement.GetProperty("entry").GetArrayLength();
    }

    [Benchmark]
    public int KabarParse()
    {
        using var json = JsonDocument.Parse(body);
        return WebhookPayload.Parse(json.RootElement).Statuses.Count;
    }
}

/// <summary>Phone normalisation to E.164: libphonenumber's parse and format alone against Kabar's normaliser.</summary>
[MemoryDiagnoser]
public class PhoneMicro
{
    private static readonly PhoneNumberUtil Util = PhoneNumberUtil.GetInstance();
    private readonly PhoneNormalizer normalizer = new();

    [Benchmark(Baseline = true)]
    public string LibPhoneNumberParseFormat() => Util.Format(Util.Parse("0812-3456-7890", "ID"), PhoneNumberFormat.E164);

    [Benchmark]
    public string? KabarNormalize() => normalizer.Normalize("0812-3456-7890");

    [Benchmark]
    public string? KabarNormalizeWaIdWithoutPlus() => normalizer.Normalize("6281234567890");
}

internal static class MicroData
{
    public static string StatusBatch(int count)
    {
        var statuses = string.Join(",", Enumerable.Range(0, count).Select(i => string.Create(CultureInfo.InvariantCulture,
            $"{{\"id\":\"wamid.BENCH{i:00000000}\",\"status\":\"delivered\",\"timestamp\":\"1764043200\",\"recipient_id\":\"62813{i:00000000}\",\"biz_opaque_callback_data\":\"{Guid.Empty}\",\"pricing\":{{\"billable\":true,\"pricing_model\":\"PMP\",\"type\":\"regular\",\"category\":\"utility\"}}}}")));
        return "{\"object\":\"whatsapp_business_account\",\"entry\":[{\"id\":\"900000000000000\",\"changes\":[{\"field\":\"messages\",\"value\":{\"messaging_product\":\"whatsapp\",\"metadata\":{\"display_phone_number\":\"6281100000000\",\"phone_number_id\":\"900000000000001\"},\"statuses\":["
            + statuses + "]}}]}]}";
    }
}
