using Kabar.Notifications;

namespace Kabar.Privacy;

/// <summary>A status an attempt reached.</summary>
/// <param name="Status">The status: pending, accepted, sent, delivered, read, failed or unknown.</param>
/// <param name="At">When the provider says it was reached, ISO 8601 UTC.</param>
/// <param name="ErrorCode">The provider's error code, for a failure.</param>
public sealed record ExportStatus(AttemptStatus Status, DateTime At, int? ErrorCode);
