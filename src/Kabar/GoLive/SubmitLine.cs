namespace Kabar.GoLive;

/// <summary>
/// What <c>kabar whatsapp templates submit</c> did with one template: <c>submitted</c>, <c>exists</c>,
/// <c>differs</c>, <c>rejected</c> (by Meta), <c>failed</c> (no answer from Meta: its rate limit, the network),
/// <c>would submit</c> (dry run) or <c>refused</c> (the catalog is wrong).
/// </summary>
public sealed record SubmitLine(string Outcome, string Name, string Language, string Text)
{
    public bool Failed => Outcome is "rejected" or "failed" or "refused";

    public override string ToString() => $"{Outcome} {Name} ({Language}): {Text}";
}
