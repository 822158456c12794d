using Kabar.Tests.Infrastructure;

namespace Kabar.Tests.Permits;

/// <summary>The office's working days and hours, from the yearly holiday files (SPEC §9).</summary>
public sealed class WorkCalendarTests(PostgresServer postgres)
{
    [Fact]
    public async Task ShippedCalendar_KnowsTheHolidaysAndCollectiveLeave_AndPlacesRemindersInOfficeHours()
    {
        await using var app = await KabarApp.StartAsync(Db.Sqlite, postgres);
        var calendar = app.Calendar();
        Assert.Contains("cuti_bersama", calendar.Holidays[new DateOnly(2026, 12, 24)]);
        Assert.Contains("libur_nasional", calendar.Holidays[new DateOnly(2026, 12, 25)]);
        Assert.True(calendar.Holidays.ContainsKey(new DateOnly(2027, 8, 17)));

        // Wednesday 23 December after closing: Thursday is cuti bersama, Friday Christmas,
        // then the weekend: the next slot is Monday 28 December at opening.
        var (day, due) = calendar.NextSlot(PermitSupport.Wib(2026, 12, 23, 16, 30).UtcDateTime);
        Assert.Equal(new DateOnly(2026, 12, 28), day);
        Assert.Equal(PermitSupport.Wib(2026, 12, 28, 8).UtcDateTime, due);

        // Before opening on a working day: at opening; during office hours: now.
        Assert.Equal(PermitSupport.Wib(2026, 12, 1, 8).UtcDateTime, calendar.NextSlot(PermitSupport.Wib(2026, 12, 1, 6).UtcDateTime).DueAt);
        Assert.Equal(PermitSupport.Wib(2026, 12, 1, 11).UtcDateTime, calendar.NextSlot(PermitSupport.Wib(2026, 12, 1, 11).UtcDateTime).DueAt);
    }

    [Fact]
    public async Task TheOfficesOwnFile_IsReadAgainWhenEdited_AndOfficeHoursFollowTheZone()
    {
        var folder = Path.Combine(Path.GetTempPath(), $"kabar-calendar-{Guid.NewGuid():N}");
        Directory.CreateDirectory(folder);
        try
        {
            await using var app = await KabarApp.StartAsync(Db.Sqlite, postgres, new()
            {
                ["Kabar:Calendar:Path"] = folder,
                ["Kabar:Policy:TimeZone"] = "Asia/Makassar",
                ["Kabar:Calendar:OfficeOpens"] = "07:30",
            });
            var calendar = app.Calendar();
            var file = Path.Combine(folder, "2026.csv");
            await File.WriteAllTextAsync(file, "date,kind,name\n2026-12-01,libur_daerah,Hari Jadi Kabupaten\n", TestContext.Current.CancellationToken);
            Assert.False(calendar.IsWorkingDay(new DateOnly(2026, 12, 1)));

            await File.WriteAllTextAsync(file, "date,kind,name\n2026-12-02,libur_daerah,Hari Jadi Kabupaten\n", TestContext.Current.CancellationToken);
            File.SetLastWriteTimeUtc(file, File.GetLastWriteTimeUtc(file).AddSeconds(5));
            Assert.True(calendar.IsWorkingDay(new DateOnly(2026, 12, 1)));
            Assert.False(calendar.IsWorkingDay(new DateOnly(2026, 12, 2)));

            // 07:30 WITA is 23:30 UTC the day before.
            Assert.Equal(new DateTime(2026, 11, 30, 23, 30, 0, DateTimeKind.Utc),
                calendar.NextSlot(new DateTime(2026, 11, 30, 20, 0, 0, DateTimeKind.Utc)).DueAt);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }
}
