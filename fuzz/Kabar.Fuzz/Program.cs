using Kabar.Fuzz;
using SharpFuzz;

// Usage (scripts/fuzz.sh runs it under AFL++; docs/reliability.md):
//   Kabar.Fuzz TARGET                  one input per run from AFL++ (SharpFuzz's out-of-process mode)
//   Kabar.Fuzz TARGET --replay PATH…   every file under PATH once, in process; exit 1 at the first crash
if (args.Length == 0 || !FuzzTargets.Names.Contains(args[0]))
{
    Console.Error.WriteLine($"Usage: Kabar.Fuzz {{{string.Join("|", FuzzTargets.Names)}}} [--replay PATH…]");
    return 2;
}

var target = args[0];
if (args.Length > 1 && args[1] == "--replay")
{
    var files = args.Skip(2).SelectMany(p => Directory.Exists(p) ? Directory.EnumerateFiles(p, "*", SearchOption.AllDirectories) : [p]).Order(StringComparer.Ordinal);
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

Fuzzer.OutOfProcess.Run(stream =>
{
    using var copy = new MemoryStream();
    stream.CopyTo(copy);
    FuzzTargets.Run(target, copy.ToArray());
});
return 0;
