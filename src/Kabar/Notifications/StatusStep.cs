namespace Kabar.Notifications;

/// <summary>One status an attempt reached, in lifecycle order.</summary>
/// <param name="Status">The status reached.</param>
/// <param name="At">When the provider says it was reached (UTC).</param>
public sealed record StatusStep(AttemptStatus Status, DateTime At);
