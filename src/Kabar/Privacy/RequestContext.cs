namespace Kabar.Privacy;

/// <summary>Who asked Kabar to act on a request, and the office's own details of it.</summary>
public sealed record RequestContext(string RequestedBy, string? Reference = null, DateTime? ReceivedAt = null);
