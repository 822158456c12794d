namespace Kabar.Tests.Infrastructure;

/// <summary>The repository's root, found from the test binaries upwards (the folder holding Kabar.slnx).</summary>
public static class RepositoryRoot
{
    public static string Path { get; } = Find();

    private static string Find()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(System.IO.Path.Combine(dir.FullName, "Kabar.slnx")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("Kabar.slnx not found above " + AppContext.BaseDirectory);
    }
}
