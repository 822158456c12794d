namespace Kabar.Data;

/// <summary>
/// Values Kabar generates once and shares between its processes through the database, such as
/// the sandbox's webhook app secret and verify token.
/// </summary>
public sealed class AppSetting
{
    public string Key { get; set; } = "";
    public string Value { get; set; } = "";
    public DateTime CreatedAt { get; set; }
}
