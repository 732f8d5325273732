namespace BalcaoVirtual.Web.Infrastructure;

internal static class Files
{
    /// <summary>
    /// Looks for a relative path (file or folder) in a folder and then in each folder above it; null when none has it. This lets
    /// "deploy/units/…" work from the repository root, the project folder, a published folder and test binaries.
    /// </summary>
    public static string? FindUpwards(string relativePath, string startFolder)
    {
        for (var dir = new DirectoryInfo(startFolder); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, relativePath);
            if (File.Exists(candidate) || Directory.Exists(candidate))
            {
                return candidate;
            }
        }

        return null;
    }
}
