using BalcaoVirtual.Web.Infrastructure;

namespace BalcaoVirtual.Tests;

internal static class RepoPaths
{
    /// <summary>The repository root, found by walking up from the test binaries to BalcaoVirtual.sln.</summary>
    public static string Root { get; } = FindRoot();

    public static string File(params string[] parts) => Path.Combine([Root, .. parts]);

    private static string FindRoot() =>
        Path.GetDirectoryName(Files.FindUpwards("BalcaoVirtual.sln", AppContext.BaseDirectory)
            ?? throw new InvalidOperationException("BalcaoVirtual.sln not found above " + AppContext.BaseDirectory))!;
}
