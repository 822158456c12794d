namespace Kabar.Channels;

/// <summary>One e-mail; <paramref name="Reference"/> is the attempt id (kept in a header for tracing).</summary>
public sealed record EmailMessage(string To, string? ToName, string Subject, string TextBody, string? HtmlBody, string Reference);
