namespace Kabar.Permits;

public sealed record DocumentInput(string Name, AssigneeRole Role, PersonInput Assignee, bool Done);
