using System.ComponentModel.DataAnnotations;

namespace Kabar.Operations;

/// <summary><c>Kabar:Metrics</c>: the Prometheus endpoint and the queue gauges.</summary>
internal sealed class MetricsOptions
{
    public const string Section = "Kabar:Metrics";

    /// <summary>
    /// Answer <c>/metrics</c> for any client. Off by default: the scrape is anonymous (Prometheus
    /// speaks no API key), so only clients on this machine (a local agent or sidecar) may read it.
    /// </summary>
    public bool AllowRemote { get; set; }

    /// <summary>Measure the queue for <c>kabar_queue_depth</c> and <c>kabar_queue_oldest_age_seconds</c> in this process.</summary>
    public bool QueueGaugesEnabled { get; set; } = true;

    /// <summary>How often the queue is measured; scrapes read the last measurement.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "01:00:00")]
    public TimeSpan QueueRefreshInterval { get; set; } = TimeSpan.FromSeconds(15);
}
