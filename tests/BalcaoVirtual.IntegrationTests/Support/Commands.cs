using System.Diagnostics;

namespace BalcaoVirtual.IntegrationTests.Support;

/// <summary>A command line run to its end: its exit code and everything it printed.</summary>
internal static class Commands
{
    public static Task<(int ExitCode, string Output)> RunAsync(string file, params string[] args)
    {
        var start = new ProcessStartInfo(file);
        foreach (var a in args)
        {
            start.ArgumentList.Add(a);
        }

        return RunAsync(start);
    }

    /// <summary>Runs <paramref name="start"/>, writing <paramref name="input"/> (one line) to its standard input.</summary>
    public static async Task<(int ExitCode, string Output)> RunAsync(ProcessStartInfo start, string? input = null)
    {
        start.RedirectStandardOutput = true;
        start.RedirectStandardError = true;
        start.RedirectStandardInput = true;
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        if (input is not null)
        {
            await process.StandardInput.WriteLineAsync(input);
        }

        process.StandardInput.Close();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(3));
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            Assert.Fail($"{start.FileName} {string.Join(' ', start.ArgumentList)} did not end within 3 minutes");
        }

        return (process.ExitCode, await output + await error);
    }
}
