namespace BalcaoVirtual.Tests;

internal static class RepoPaths
{
    /// <summary>The repository root, found by walking up from the test binaries to BalcaoVirtual.sln.</summary>
    public static string Root { get; } = FindRoot();

    public static string File(params string[] parts) => Path.Combine([Root, .. parts]);

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (System.IO.File.Exists(Path.Combine(dir.FullName, "BalcaoVirtual.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("BalcaoVirtual.sln not found above " + AppContext.BaseDirectory);
    }
}
