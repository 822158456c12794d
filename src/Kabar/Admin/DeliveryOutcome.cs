using System.Text.Json.Serialization;

namespace Kabar.Admin;

/// <summary>How a notification ended, as the dashboard counts it (docs/console.md, "The dashboard's charts").</summary>
public enum DeliveryOutcome
{
    /// <summary>Delivered or read (WhatsApp, SMS with a delivery report), or e-mail the mail server took — all e-mail can tell.</summary>
    [JsonStringEnumMemberName("reached")] Reached,

    /// <summary>
    /// The provider took it (WhatsApp or SMS) and no delivery report came. Many SMS gateways never
    /// send one, and the sandbox's never does, so this is "sent, no report", not "not delivered".
    /// </summary>
    [JsonStringEnumMemberName("sent_no_report")] SentNoReport,

    /// <summary>Every channel tried failed.</summary>
    [JsonStringEnumMemberName("failed")] Failed,

    /// <summary>Nothing was sent: the decision or the route found no way to reach the person.</summary>
    [JsonStringEnumMemberName("skipped")] Skipped,
}
