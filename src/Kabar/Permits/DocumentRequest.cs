namespace Kabar.Permits;

/// <summary>
/// A document waiting for a signature (<c>role</c> <c>staff</c>) or an approval (<c>official</c>).
/// When <c>documents</c> is sent it is the whole current list: a document left out is no longer waiting.
/// </summary>
public sealed record DocumentRequest(string? Name, string? Role, PersonRequest? Assignee, bool Done = false);
