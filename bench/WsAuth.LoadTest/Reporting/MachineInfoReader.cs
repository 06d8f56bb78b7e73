using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;
using System.Text.Json;

namespace WsAuth.LoadTest.Reporting;

/// <summary>What the machine is, read from /proc and the tools themselves.</summary>
internal static class MachineInfoReader
{
    public static MachineInfo Read(RunSettings settings) => new()
    {
        Os = ReadOsRelease() ?? RuntimeInformation.OSDescription,
        Kernel = ReadFirstLine("/proc/sys/kernel/osrelease") ?? string.Empty,
        Cpu = ReadCpuModel() ?? RuntimeInformation.ProcessArchitecture.ToString(),
        Cores = Environment.ProcessorCount,
        MemoryGiB = Math.Round(ReadMemTotalKiB() / 1024.0 / 1024.0, 1),
        Runtime = RuntimeInformation.FrameworkDescription,
        Node = RunAndRead("node", "--version"),
        Ws = ReadPackageVersion(settings, "ws"),
        Jsonwebtoken = ReadPackageVersion(settings, "jsonwebtoken"),
        OpenFilesLimit = ReadOpenFilesLimit(),
        LoadAverageStart = LoadAverage(),
    };

    public static string LoadAverage() => ReadFirstLine("/proc/loadavg") is { } line ? string.Join(' ', line.Split(' ').Take(3)) : string.Empty;

    private static string? ReadOsRelease()
    {
        if (!File.Exists("/etc/os-release"))
        {
            return null;
        }

        var line = File.ReadLines("/etc/os-release").FirstOrDefault(l => l.StartsWith("PRETTY_NAME=", StringComparison.Ordinal));
        return line?["PRETTY_NAME=".Length..].Trim('"');
    }

    private static string? ReadCpuModel()
        => File.Exists("/proc/cpuinfo")
            ? File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal))?.Split(':', 2)[1].Trim()
            : null;

    private static long ReadMemTotalKiB()
    {
        var line = File.Exists("/proc/meminfo") ? File.ReadLines("/proc/meminfo").FirstOrDefault(l => l.StartsWith("MemTotal:", StringComparison.Ordinal)) : null;
        return line is null ? 0 : long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture);
    }

    private static long ReadOpenFilesLimit()
    {
        var line = File.Exists("/proc/self/limits") ? File.ReadLines("/proc/self/limits").FirstOrDefault(l => l.StartsWith("Max open files", StringComparison.Ordinal)) : null;
        var soft = line?["Max open files".Length..].Split(' ', StringSplitOptions.RemoveEmptyEntries)[0];
        return soft is null ? 0 : soft == "unlimited" ? long.MaxValue : long.Parse(soft, CultureInfo.InvariantCulture);
    }

    private static string? ReadFirstLine(string path) => File.Exists(path) ? File.ReadLines(path).FirstOrDefault()?.Trim() : null;

    private static string? ReadPackageVersion(RunSettings settings, string package)
    {
        var path = Path.Combine(settings.NodePeerDirectory, "node_modules", package, "package.json");
        if (!File.Exists(path))
        {
            return null;
        }

        using var document = JsonDocument.Parse(File.ReadAllText(path));
        return document.RootElement.TryGetProperty("version", out var version) ? version.GetString() : null;
    }

    private static string? RunAndRead(string file, string arguments)
    {
        try
        {
            using var process = Process.Start(new ProcessStartInfo(file, arguments) { RedirectStandardOutput = true, UseShellExecute = false });
            if (process is null)
            {
                return null;
            }

            var output = process.StandardOutput.ReadToEnd().Trim();
            process.WaitForExit();
            return output;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return null;
        }
    }
}
