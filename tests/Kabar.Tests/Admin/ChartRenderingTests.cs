using System.Globalization;
using System.Xml.Linq;
using Kabar.Admin;

namespace Kabar.Tests.Admin;

/// <summary>
/// The console's server-drawn charts read as XML: the values and labels a reader sees are in them,
/// stacked parts add up to the bar's total on the axis' scale, and no data draws an empty chart
/// with its axes and a message, never NaN.
/// </summary>
public sealed class ChartRenderingTests
{
    private static readonly StackedBarChart.Series[] TwoParts = [new("WhatsApp: sampai", "part-wa-reached"), new("gagal", "part-failed")];

    private static XElement Parse(string svg)
    {
        Assert.DoesNotContain("NaN", svg, StringComparison.Ordinal);
        Assert.DoesNotContain("Infinity", svg, StringComparison.Ordinal);
        return XElement.Parse(svg);
    }

    private static IEnumerable<string> Texts(XElement svg, string cssClass) =>
        svg.Descendants("text").Where(t => (string?)t.Attribute("class") == cssClass).Select(t => t.Value);

    private static double Number(XElement e, string attribute) => double.Parse((string)e.Attribute(attribute)!, CultureInfo.InvariantCulture);

    /// <summary>The y coordinate of the gridline whose tick reads <paramref name="label"/>.</summary>
    private static double GridY(XElement svg, string label)
    {
        var tick = svg.Elements("text").Single(t => (string?)t.Attribute("class") == "tick" && t.Value == label && (string?)t.Attribute("text-anchor") == "end");
        return Number(tick, "y") - 4;
    }

    [Fact]
    public void StackedBars_ShowEachTotal_AndThePartsAddUpToItOnTheAxis()
    {
        var bars = new StackedBarChart.Bar[]
        {
            new("24-11", "24-11-2026", [3, 2]),
            new("25-11", "25-11-2026", [0, 0]),
            new("26-11", "26-11-2026", [5, 1]),
        };
        var svg = Parse(StackedBarChart.Svg("volume", "Notifikasi per hari", "Jumlah 11 notifikasi.", TwoParts, bars, "Belum ada"));

        Assert.Equal(["5", "6"], Texts(svg, "total"));
        Assert.Equal(["24-11", "25-11", "26-11"], svg.Elements("text").Where(t => (string?)t.Attribute("class") == "tick" && (string?)t.Attribute("text-anchor") == "middle").Select(t => t.Value));
        Assert.Empty(Texts(svg, "empty"));

        // 6 on an axis of 0–6 in steps of 2: the last bar's parts reach the top gridline exactly.
        Assert.Equal(["0", "2", "4", "6"], svg.Elements("text").Where(t => (string?)t.Attribute("text-anchor") == "end").Select(t => t.Value));
        var (zero, six) = (GridY(svg, "0"), GridY(svg, "6"));
        var last = svg.Elements("rect").Where(r => r.Element("title")!.Value.StartsWith("26-11-2026", StringComparison.Ordinal)).ToList();
        Assert.Equal(2, last.Count);
        Assert.Equal(zero - six, last.Sum(r => Number(r, "height")), 1);
        Assert.Equal(Number(last[0], "y"), Number(last[1], "y") + Number(last[1], "height"), 1);
        Assert.Equal(zero, Number(last[0], "y") + Number(last[0], "height"), 1);
        Assert.Equal(["26-11-2026: WhatsApp: sampai 5", "26-11-2026: gagal 1"], last.Select(r => r.Element("title")!.Value));
        // A zero part draws nothing rather than a zero-height sliver.
        Assert.DoesNotContain(svg.Elements("rect"), r => r.Element("title")!.Value.StartsWith("25-11-2026", StringComparison.Ordinal));
    }

    [Fact]
    public void StackedBars_AreAnImage_NamedByTheirTitleAndDescription()
    {
        var svg = Parse(StackedBarChart.Svg("volume", "Notifikasi per hari", "Jumlah 5 notifikasi.", TwoParts, [new("25-11", "25-11-2026", [4, 1])], "Belum ada"));

        Assert.Equal("img", (string?)svg.Attribute("role"));
        var ids = ((string)svg.Attribute("aria-labelledby")!).Split(' ');
        Assert.Equal(["Notifikasi per hari", "Jumlah 5 notifikasi."], ids.Select(id => svg.Descendants().Single(e => (string?)e.Attribute("id") == id).Value));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(3)]
    public void StackedBars_WithoutData_DrawTheAxesAndSaySo(int days)
    {
        var bars = Enumerable.Range(0, days).Select(i => new StackedBarChart.Bar($"{i + 1:00}-11", $"{i + 1:00}-11-2026", [0, 0])).ToList();
        var svg = Parse(StackedBarChart.Svg("volume", "Notifikasi per hari", "Tidak ada.", TwoParts, bars, "Belum ada notifikasi"));

        Assert.Equal(["Belum ada notifikasi"], Texts(svg, "empty"));
        Assert.Equal(2, svg.Elements("line").Count(l => (string?)l.Attribute("class") == "axis"));
        Assert.Empty(svg.Elements("rect"));
        Assert.Empty(Texts(svg, "total"));
    }

    [Fact]
    public void StackedBars_OfAYear_LabelOnlySomeDays_ButTotalEveryBar()
    {
        var bars = Enumerable.Range(0, 366).Select(i => new StackedBarChart.Bar(i.ToString(CultureInfo.InvariantCulture), "d" + i, [i % 7, 1])).ToList();
        var svg = Parse(StackedBarChart.Svg("volume", "t", "d", TwoParts, bars, "-"));

        Assert.Equal(366, Texts(svg, "total").Count());
        Assert.InRange(svg.Elements("text").Count(t => (string?)t.Attribute("class") == "tick" && (string?)t.Attribute("text-anchor") == "middle"), 2, 10);
    }

    [Fact]
    public void Funnel_ShowsEachStepsCount_AndItsShareOfTheFirst_WithBarsToScale()
    {
        var svg = Parse(FunnelChart.Svg("funnel", "Corong", "Diminta: 200", [new("Diminta", 200), new("Dibuka", 100), new("Setuju", 50), new("Masih setuju", 0)], "Belum ada"));

        Assert.Equal(["Diminta", "Dibuka", "Setuju", "Masih setuju"], Texts(svg, "label"));
        Assert.Equal(["200", "100 (50.0%)", "50 (25.0%)", "0 (0.0%)"], Texts(svg, "count"));
        var widths = svg.Elements("rect").Select(r => Number(r, "width")).ToList();
        Assert.Equal(widths[0] / 2, widths[1], 1);
        Assert.Equal(widths[0] / 4, widths[2], 1);
        Assert.Equal(0, widths[3]);
        Assert.Equal("img", (string?)svg.Attribute("role"));
    }

    [Fact]
    public void Funnel_WithNobodyAsked_SaysSo_AndShowsNoShareOfZero()
    {
        var svg = Parse(FunnelChart.Svg("funnel", "Corong", "-", [new("Diminta", 0), new("Dibuka", 0)], "Belum ada permintaan"));

        Assert.Equal(["Belum ada permintaan"], Texts(svg, "empty"));
        Assert.Equal(["0", "0 (–)"], Texts(svg, "count"));
    }

    [Fact]
    public void Line_HasAxesFromZero_TheFirstAndLastDay_AndTheLatestValue()
    {
        var days = Enumerable.Range(0, 5).Select(i => new DateOnly(2026, 11, 21 + i)).ToList();
        var svg = Parse(LineChart.Svg(days, [0.2, null, 0.5, 0.8, null], "Fallback per hari", v => (v * 100).ToString("0", CultureInfo.InvariantCulture) + "%", ratio: true));

        Assert.Equal(["0%", "50%", "100%", "21-11", "25-11"], Texts(svg, "tick"));
        Assert.Equal(["80%"], Texts(svg, "latest"));
        Assert.Equal("Fallback per hari: 80% (24-11)", (string?)svg.Attribute("aria-label"));
        // The day without data breaks the line: a lone first point, then a line of two.
        Assert.Single(svg.Elements("polyline"));
        Assert.Equal(2, ((string)svg.Element("polyline")!.Attribute("points")!).Split(' ').Length);
    }

    [Fact]
    public void Line_WithoutAnyValue_DrawsItsAxes_AndNoNaN()
    {
        var days = new[] { new DateOnly(2026, 11, 25) };
        var svg = Parse(LineChart.Svg(days, [null], "Biaya per hari", v => v.ToString("0.00", CultureInfo.InvariantCulture)));

        Assert.Empty(svg.Elements("polyline"));
        Assert.Empty(Texts(svg, "latest"));
        Assert.Equal("Biaya per hari", (string?)svg.Attribute("aria-label"));
        Assert.Equal(2, svg.Elements("line").Count(l => (string?)l.Attribute("class") == "axis"));
    }

    [Fact]
    public void SentWithoutAReport_IsItsOwnOutcome_NotAFailure()
    {
        Assert.Equal(DeliveryOutcome.SentNoReport, DeliveryOutcomes.Of(Kabar.Notifications.NotificationState.Sent, Kabar.Decisions.Channel.Sms));
        Assert.Equal(DeliveryOutcome.Reached, DeliveryOutcomes.Of(Kabar.Notifications.NotificationState.Sent, Kabar.Decisions.Channel.Email));
        Assert.Equal(DeliveryOutcome.Reached, DeliveryOutcomes.Of(Kabar.Notifications.NotificationState.Delivered, Kabar.Decisions.Channel.Sms));
        Assert.Null(DeliveryOutcomes.Of(Kabar.Notifications.NotificationState.Queued, Kabar.Decisions.Channel.None));
        Assert.Equal("terkirim, tanpa laporan", ConsoleLabels.Word(DeliveryOutcome.SentNoReport, english: false));
        Assert.Equal("sent, no report", ConsoleLabels.Word(DeliveryOutcome.SentNoReport, english: true));
    }
}
