using System.Globalization;
using System.Runtime.InteropServices;
using System.Text;

namespace BalcaoVirtual.Bench;

/// <summary>What every benchmark shares: its command-line options, the report's heading with the machine, and where it goes.</summary>
internal static class BenchReport
{
    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    public static string? Arg(string[] args, string name)
    {
        var i = Array.IndexOf(args, name);
        return i >= 0 && i + 1 < args.Length ? args[i + 1] : null;
    }

    /// <summary>Starts a report: title with the UTC time, then one line naming the machine (cores, memory, OS, .NET) and a note.</summary>
    public static StringBuilder Start(string title, string machineNote)
    {
        var report = new StringBuilder();
        report.AppendLine(Inv, $"# {title}, {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC");
        report.AppendLine(Inv, $"Machine: {Environment.ProcessorCount} cores, {Memory()}, {RuntimeInformation.OSDescription}, .NET {Environment.Version}{machineNote}");
        return report;
    }

    /// <summary>Prints the report and, with <c>--out file</c>, writes it there too.</summary>
    public static void Finish(StringBuilder report, string[] args)
    {
        Console.WriteLine(report);
        if (Arg(args, "--out") is { } path)
        {
            File.WriteAllText(path, report.ToString());
        }
    }

    private static string Memory()
    {
        var line = File.ReadLines("/proc/meminfo").First(l => l.StartsWith("MemTotal:", StringComparison.Ordinal));
        var kb = double.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], Inv);
        return string.Create(Inv, $"{kb / 1024 / 1024:F0} GiB");
    }
}
