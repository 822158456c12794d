namespace Kabar.Simulator;

/// <summary>One accepted send, as the control API shows it.</summary>
public sealed class SimMessage
{
    private readonly List<SimStatus> statuses = [];

    public required string Id { get; init; }
    public required string PhoneNumberId { get; init; }
    public string? To { get; init; }
    public string? RecipientUserId { get; init; }
    public required string Type { get; init; }
    public string? TemplateName { get; init; }
    public string? TemplateLanguage { get; init; }
    public IReadOnlyList<string> Parameters { get; init; } = [];
    public string? Text { get; init; }
    public string? CallbackData { get; init; }
    public DateTimeOffset ReceivedAt { get; init; }

    public IReadOnlyList<SimStatus> Statuses
    {
        get
        {
            lock (statuses)
            {
                return statuses.ToArray();
            }
        }
    }

    internal void Record(SimStatus status)
    {
        lock (statuses)
        {
            statuses.Add(status);
        }
    }
}
