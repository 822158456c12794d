namespace Kabar.GoLive;

/// <summary>The go-live check's lines, in order, and when it ran.</summary>
public sealed record CheckReport(IReadOnlyList<CheckItem> Items, DateTimeOffset At)
{
    /// <summary>Everything needed to send passes (warnings allowed).</summary>
    public bool Ready => Items.All(i => i.State != CheckState.Fail);

    public int Failures => Items.Count(i => i.State == CheckState.Fail);
}
