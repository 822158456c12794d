using System.Globalization;
using System.Net;
using Kabar.Tests.Infrastructure;

namespace Kabar.Tests.Operations;

/// <summary>
/// The Kabar meter's instruments are listened to by name, process-wide, by every OpenTelemetry
/// meter provider: two test applications alive at once would see each other's counts. The metric
/// tests therefore run alone, after the parallel ones, each with a fresh application.
/// </summary>
[CollectionDefinition(nameof(MeteredAlone), DisableParallelization = true)]
public sealed class MeteredAlone;

/// <summary>One <c>/metrics</c> answer, read as Prometheus would.</summary>
public sealed class MetricsScrape
{
    private readonly List<(string Name, Dictionary<string, string> Labels, double Value)> samples = [];

    private MetricsScrape(string text)
    {
        Text = text;
        foreach (var raw in text.Split('\n'))
        {
            var line = raw.Trim();
            if (line.Length == 0 || line.StartsWith('#'))
            {
                continue;
            }

            var labels = new Dictionary<string, string>(StringComparer.Ordinal);
            string name;
            string rest;
            var brace = line.IndexOf('{', StringComparison.Ordinal);
            var space = line.IndexOf(' ', StringComparison.Ordinal);
            if (brace >= 0 && brace < space)
            {
                name = line[..brace];
                var close = line.LastIndexOf('}');
                foreach (var pair in SplitLabels(line[(brace + 1)..close]))
                {
                    var eq = pair.IndexOf('=', StringComparison.Ordinal);
                    labels[pair[..eq]] = pair[(eq + 1)..].Trim('"');
                }

                rest = line[(close + 1)..].Trim();
            }
            else
            {
                name = line[..space];
                rest = line[(space + 1)..].Trim();
            }

            var value = rest.Split(' ')[0];
            samples.Add((name, labels, value switch
            {
                "+Inf" => double.PositiveInfinity,
                "-Inf" => double.NegativeInfinity,
                "NaN" => double.NaN,
                _ => double.Parse(value, CultureInfo.InvariantCulture),
            }));
        }
    }

    public string Text { get; }

    public static async Task<MetricsScrape> ReadAsync(KabarApp app)
    {
        using var client = app.CreateClient();
        using var response = await client.GetAsync("/metrics");
        await Http.AssertStatusAsync(response, HttpStatusCode.OK);
        return new MetricsScrape(await response.Content.ReadAsStringAsync());
    }

    /// <summary>The sum over every series of <paramref name="name"/> carrying these labels (0 when there is none).</summary>
    public double Sum(string name, params (string Key, string Value)[] labels) =>
        samples.Where(s => s.Name == name && labels.All(l => s.Labels.TryGetValue(l.Key, out var v) && v == l.Value))
            .Sum(s => s.Value);

    public bool Has(string name) => samples.Any(s => s.Name == name);

    private static IEnumerable<string> SplitLabels(string labels)
    {
        var start = 0;
        var quoted = false;
        for (var i = 0; i < labels.Length; i++)
        {
            if (labels[i] == '"' && (i == 0 || labels[i - 1] != '\\'))
            {
                quoted = !quoted;
            }
            else if (labels[i] == ',' && !quoted)
            {
                yield return labels[start..i];
                start = i + 1;
            }
        }

        if (start < labels.Length)
        {
            yield return labels[start..];
        }
    }
}
