using SharpFuzz;

namespace Kabar.Fuzz;

/// <summary>
/// <c>Kabar.Fuzz TARGET</c>: one input per run from AFL++ (SharpFuzz's out-of-process mode);
/// <c>Kabar.Fuzz TARGET --replay PATH…</c>: every file under PATH once, in process, exit 1 at the
/// first crash. scripts/fuzz.sh runs it (docs/reliability.md). A named class rather than top-level
/// statements: the tests reference this project beside Kabar, whose entry point is <c>Program</c>.
/// </summary>
public static class FuzzProgram
{
    public static int Main(string[] args)
    {
        if (args.Length == 0 || !FuzzTargets.Names.Contains(args[0]))
        {
            Console.Error.WriteLine($"Usage: Kabar.Fuzz {{{string.Join("|", FuzzTargets.Names)}}} [--replay PATH…]");
            return 2;
        }

        var target = args[0];
        if (args.Length > 1 && args[1] == "--replay")
        {
            return Replay(target, args.Skip(2));
        }

        Fuzzer.OutOfProcess.Run(stream =>
        {
            using var copy = new MemoryStream();
            stream.CopyTo(copy);
            FuzzTargets.Run(target, copy.ToArray());
        });
        return 0;
    }

    private static int Replay(string target, IEnumerable<string> paths)
    {
        var files = paths.SelectMany(p => Directory.Exists(p) ? Directory.EnumerateFiles(p, "*", SearchOption.AllDirectories) : [p])
            .Where(f => !f.EndsWith("README.txt", StringComparison.Ordinal)).Order(StringComparer.Ordinal);
        var count = 0;
        foreach (var file in files)
        {
            try
            {
                FuzzTargets.Run(target, File.ReadAllBytes(file));
                count++;
            }
            catch (Exception ex)
            {
                Console.Error.WriteLine($"{target}: {file} crashed: {ex}");
                return 1;
            }
        }

        Console.WriteLine($"{target}: {count} inputs, no crash");
        return 0;
    }
}
