namespace Kabar.Permits;

/// <summary>
/// A document waiting for a signature (<c>role</c> <c>staff</c>) or an approval (<c>official</c>).
/// When <c>documents</c> is sent it is the whole current list: a document left out is no longer waiting.
/// </summary>
/// <param name="Name">The document's name, as the assignee knows it.</param>
/// <param name="Role"><c>staff</c> (to sign) or <c>official</c> (to approve).</param>
/// <param name="Assignee">Who must sign or approve; found or created by phone.</param>
/// <param name="Done">true once signed or approved; false (the default) while it waits.</param>
public sealed record DocumentRequest(string? Name, string? Role, PersonRequest? Assignee, bool Done = false);
