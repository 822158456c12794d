using System.Collections.Concurrent;
using System.Globalization;

namespace Kabar.Admin;

/// <summary>
/// Times in the office's time zone (<c>Kabar:Policy:TimeZone</c>, Asia/Jakarta by default), as the
/// console shows them: <c>05-12-2026 14:30 WIB</c>. The database keeps UTC; the console never shows it
/// as the main text (docs/console.md, "Times").
/// </summary>
public static class OfficeClock
{
    private static readonly ConcurrentDictionary<string, TimeZoneInfo> Zones = new(StringComparer.Ordinal);

    public static TimeZoneInfo Zone(string id) => Zones.GetOrAdd(id, TimeZoneInfo.FindSystemTimeZoneById);

    /// <summary>
    /// The name Indonesians use for the zone: WIB, WITA, WIT; elsewhere the offset (<c>UTC+07:00</c>).
    /// Indonesia has no daylight saving time, so one name fits the whole year.
    /// </summary>
    public static string Abbreviation(TimeZoneInfo zone)
    {
        ArgumentNullException.ThrowIfNull(zone);
        TimeZoneInfo.TryConvertWindowsIdToIanaId(zone.Id, out var iana);
        return (iana ?? zone.Id) switch
        {
            "Asia/Jakarta" or "Asia/Pontianak" => "WIB",
            "Asia/Makassar" => "WITA",
            "Asia/Jayapura" => "WIT",
            "UTC" or "Etc/UTC" => "UTC",
            _ => "UTC" + (zone.BaseUtcOffset < TimeSpan.Zero ? "-" : "+") + zone.BaseUtcOffset.ToString("hh\\:mm", CultureInfo.InvariantCulture),
        };
    }

    /// <summary><c>dd-MM-yyyy HH:mm ZONE</c> (with seconds when asked), or "–" for no time.</summary>
    public static string Format(DateTime? utc, TimeZoneInfo zone, bool seconds = false)
    {
        ArgumentNullException.ThrowIfNull(zone);
        if (utc is not { } at)
        {
            return "–";
        }

        var local = TimeZoneInfo.ConvertTimeFromUtc(DateTime.SpecifyKind(at, DateTimeKind.Utc), zone);
        return local.ToString(seconds ? "dd-MM-yyyy HH:mm:ss" : "dd-MM-yyyy HH:mm", CultureInfo.InvariantCulture) + " " + Abbreviation(zone);
    }
}
