namespace Kabar.Simulator;

internal sealed record SimMessageView(
    string Id,
    string PhoneNumberId,
    string? To,
    string? RecipientUserId,
    string Type,
    SimTemplateView? Template,
    string? Text,
    string? CallbackData,
    DateTimeOffset ReceivedAt,
    IReadOnlyList<SimStatus> Statuses)
{
    public static SimMessageView From(SimMessage m) => new(m.Id, m.PhoneNumberId, m.To, m.RecipientUserId, m.Type,
        m.TemplateName is null ? null : new SimTemplateView(m.TemplateName, m.TemplateLanguage ?? "", m.Parameters),
        m.Text, m.CallbackData, m.ReceivedAt, m.Statuses);
}
