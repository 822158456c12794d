using Kabar.Notifications;

namespace Kabar.Privacy;

public sealed record ExportStatus(AttemptStatus Status, DateTime At, int? ErrorCode);
