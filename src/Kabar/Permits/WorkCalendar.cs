using System.Collections.Frozen;
using System.Globalization;
using Kabar.Common;
using Microsoft.Extensions.Options;

namespace Kabar.Permits;

/// <summary>
/// The office's working days and hours. Holidays and collective leave days come from yearly CSV
/// files the office maintains (SPEC §9: the SKB of the three ministers each year); a file edited
/// while Kabar runs is read again at the next use.
/// </summary>
public sealed class WorkCalendar(IOptions<CalendarOptions> options, IOptions<PolicyOptions> policy, IHostEnvironment env)
{
    private readonly Lock gate = new();
    private FrozenDictionary<DateOnly, string> days = FrozenDictionary<DateOnly, string>.Empty;
    private string stamp = "";

    public TimeZoneInfo Zone { get; } = TimeZoneInfo.FindSystemTimeZoneById(policy.Value.TimeZone);

    public TimeOnly Opens => options.Value.OfficeOpens;
    public TimeOnly Closes => options.Value.OfficeCloses;

    /// <summary>
    /// The calendar folder: an absolute path as given; a relative one under the content root, or
    /// else beside the executable, where the shipped files are copied.
    /// </summary>
    public string Folder
    {
        get
        {
            var path = options.Value.Path;
            if (System.IO.Path.IsPathRooted(path))
            {
                return path;
            }

            var underRoot = System.IO.Path.Combine(env.ContentRootPath, path);
            return Directory.Exists(underRoot) ? underRoot : System.IO.Path.Combine(AppContext.BaseDirectory, path);
        }
    }

    /// <summary>The listed holidays and collective leave days with their names.</summary>
    public IReadOnlyDictionary<DateOnly, string> Holidays
    {
        get
        {
            Refresh();
            return days;
        }
    }

    public bool IsWorkingDay(DateOnly day) =>
        day.DayOfWeek is not (DayOfWeek.Saturday or DayOfWeek.Sunday) && !Holidays.ContainsKey(day);

    public DateOnly NextWorkingDay(DateOnly after)
    {
        var day = after.AddDays(1);
        while (!IsWorkingDay(day))
        {
            day = day.AddDays(1);
        }

        return day;
    }

    public DateOnly LocalDate(DateTime utc) => DateOnly.FromDateTime(TimeZoneInfo.ConvertTimeFromUtc(utc, Zone));

    public DateTime ToUtc(DateOnly day, TimeOnly time) =>
        TimeZoneInfo.ConvertTimeToUtc(day.ToDateTime(time, DateTimeKind.Unspecified), Zone);

    /// <summary>
    /// The working day a reminder created at <paramref name="now"/> goes out on, and when: now
    /// during office hours of a working day, else the next opening.
    /// </summary>
    public (DateOnly Day, DateTime DueAt) NextSlot(DateTime now)
    {
        var local = TimeZoneInfo.ConvertTimeFromUtc(now, Zone);
        var today = DateOnly.FromDateTime(local);
        var time = TimeOnly.FromDateTime(local);
        if (IsWorkingDay(today) && time < Closes)
        {
            return (today, time < Opens ? ToUtc(today, Opens) : now);
        }

        var next = NextWorkingDay(today);
        return (next, ToUtc(next, Opens));
    }

    /// <summary>Whether <paramref name="utc"/> falls in office hours of a working day.</summary>
    public bool IsOfficeTime(DateTime utc)
    {
        var local = TimeZoneInfo.ConvertTimeFromUtc(utc, Zone);
        var time = TimeOnly.FromDateTime(local);
        return IsWorkingDay(DateOnly.FromDateTime(local)) && time >= Opens && time < Closes;
    }

    private void Refresh()
    {
        var folder = Folder;
        var files = Directory.Exists(folder) ? Directory.GetFiles(folder, "*.csv").Order(StringComparer.Ordinal).ToArray() : [];
        var current = string.Join('|', files.Select(f => $"{f}:{File.GetLastWriteTimeUtc(f).Ticks}"));
        lock (gate)
        {
            if (current == stamp)
            {
                return;
            }

            var read = new Dictionary<DateOnly, string>();
            foreach (var file in files)
            {
                foreach (var (day, name) in Parse(file))
                {
                    read[day] = name;
                }
            }

            days = read.ToFrozenDictionary();
            stamp = current;
        }
    }

    /// <summary>Reads <c>date,kind,name</c> lines; <c>#</c> starts a comment, the header is optional.</summary>
    public static IEnumerable<(DateOnly Day, string Name)> Parse(string file)
    {
        var number = 0;
        foreach (var raw in File.ReadLines(file))
        {
            number++;
            var line = raw.Trim();
            if (line.Length == 0 || line.StartsWith('#') || line.StartsWith("date,", StringComparison.OrdinalIgnoreCase))
            {
                continue;
            }

            var parts = line.Split(',', 3);
            if (!DateOnly.TryParseExact(parts[0].Trim(), "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var day))
            {
                throw new InvalidOperationException(
                    $"{System.IO.Path.GetFileName(file)} line {number}: '{parts[0]}' is not a date; write YYYY-MM-DD,kind,name.");
            }

            yield return (day, parts.Length > 2 ? $"{parts[1].Trim()}: {parts[2].Trim()}" : parts.Length > 1 ? parts[1].Trim() : "libur");
        }
    }
}
