namespace Kabar.Notifications;

public sealed record StatusStep(AttemptStatus Status, DateTime At);
