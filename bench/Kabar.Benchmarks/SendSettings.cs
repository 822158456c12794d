using System.Globalization;

namespace Kabar.Benchmarks;

/// <summary>The settings the sending benchmarks (<c>dispatch</c>, <c>recovery</c>) give the standalone simulator and Kabar.</summary>
public static class SendSettings
{
    public const string AppSecret = "bench-secret";

    /// <summary>
    /// The simulator at <paramref name="mps"/> per number, answering each send <c>--latency</c> ±
    /// <c>--jitter</c> after it arrived (the rate is counted at arrival, as Meta counts it); its
    /// status webhooks go to <paramref name="webhookUrl"/>, or nowhere.
    /// </summary>
    public static Dictionary<string, string?> Simulator(BenchOptions o, int mps, string? webhookUrl = null)
    {
        var settings = new Dictionary<string, string?>
        {
            ["Kabar:Simulator:MessagesPerSecond"] = mps.ToString(CultureInfo.InvariantCulture),
            ["Kabar:Simulator:SendLatency"] = TimeSpan.FromMilliseconds(o.LatencyMs).ToString("c", CultureInfo.InvariantCulture),
            ["Kabar:Simulator:SendLatencyJitter"] = TimeSpan.FromMilliseconds(o.JitterMs).ToString("c", CultureInfo.InvariantCulture),
            ["Logging:LogLevel:Default"] = "Warning",
        };
        if (webhookUrl is not null)
        {
            settings["Kabar:Simulator:WebhookUrl"] = webhookUrl;
            settings["Kabar:Simulator:AppSecret"] = AppSecret;
        }

        return settings;
    }

    /// <summary>Kabar sending through the simulator at <paramref name="simulatorUrl"/> for <paramref name="numbers"/> numbers at <paramref name="mps"/> each, no quiet hours.</summary>
    public static List<string> Kabar(string simulatorUrl, int numbers, int mps)
    {
        var settings = new List<string>
        {
            $"--Kabar:WhatsApp:GraphApiBaseUrl={simulatorUrl}",
            $"--Kabar:WhatsApp:AppSecret={AppSecret}",
            "--Kabar:WhatsApp:MessagingLimit=unlimited",
            "--Kabar:Simulator:Enabled=false",
            "--Kabar:Policy:QuietHoursStart=00:00",
            "--Kabar:Policy:QuietHoursEnd=00:00",
        };
        for (var k = 0; k < numbers; k++)
        {
            settings.Add($"--Kabar:WhatsApp:Numbers:{k}:PhoneNumberId={BenchSeed.NumberOf(k)}");
            settings.Add($"--Kabar:WhatsApp:Numbers:{k}:MessagesPerSecond={mps}");
        }

        return settings;
    }
}
