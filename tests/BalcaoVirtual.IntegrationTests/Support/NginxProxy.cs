using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;

namespace BalcaoVirtual.IntegrationTests.Support;

/// <summary>
/// nginx (Debian's) in front of several nodes, with the shipped site configuration (deploy/nginx) made plain HTTP
/// on a loopback port and its upstreams pointed at the test's nodes.
/// </summary>
internal sealed partial class NginxProxy : IDisposable
{
    private readonly Process process;

    private NginxProxy(Process process, int port)
    {
        this.process = process;
        Url = $"http://127.0.0.1:{port.ToString(CultureInfo.InvariantCulture)}";
    }

    public string Url { get; }

    public static async Task<NginxProxy> StartAsync(IReadOnlyList<string> nodeUrls)
    {
        Assert.That(File.Exists("/usr/sbin/nginx"), "nginx is not installed: run ./test.sh (it installs nginx-light), or 'apt-get install nginx-light'.");
        var dir = TestServers.TempDir("nginx-proxy");
        var port = TestServers.FreePort();
        var servers = string.Concat(nodeUrls.Select(u => $"server {new Uri(u).Authority};\n    "));
        // Plain HTTP on one port; the test's own address is a name of the site (anything else meets the default server).
        var listen = $"listen 127.0.0.1:{port.ToString(CultureInfo.InvariantCulture)}";
        var site = File.ReadAllText(TestServers.RepoFile("deploy/nginx/balcao-virtual.conf"))
            .Replace("listen 443 ssl http2 default_server;", listen + " default_server;", StringComparison.Ordinal)
            .Replace("listen 443 ssl http2;", listen + ";", StringComparison.Ordinal)
            .Replace("server_name balcao.example.jus.br;", "server_name balcao.example.jus.br 127.0.0.1;", StringComparison.Ordinal)
            .Replace("server 127.0.0.1:5080;", servers.TrimEnd(), StringComparison.Ordinal);
        site = SslLine().Replace(site, "");
        Assert.That(site, Does.Not.Contain("server 127.0.0.1:5080"), "every upstream points at the test's nodes");
        File.WriteAllText(Path.Combine(dir, "site.conf"), site);
        File.WriteAllText(Path.Combine(dir, "nginx.conf"),
            $"daemon off; pid {dir}/nginx.pid; error_log {dir}/error.log; events {{}} http {{ access_log off; client_body_temp_path {dir}; proxy_temp_path {dir}; include {dir}/site.conf; }}");
        var process = Process.Start(new ProcessStartInfo("/usr/sbin/nginx")
        {
            ArgumentList = { "-p", dir, "-c", Path.Combine(dir, "nginx.conf") },
            RedirectStandardError = true,
            RedirectStandardOutput = true,
        })!;
        process.BeginErrorReadLine();
        process.BeginOutputReadLine();
        var proxy = new NginxProxy(process, port);
        await TestServers.WaitUntilAsync(() =>
        {
            Assert.That(process.HasExited, Is.False, () => File.Exists(Path.Combine(dir, "error.log")) ? File.ReadAllText(Path.Combine(dir, "error.log")) : "nginx exited");
            try
            {
                using var client = new System.Net.Sockets.TcpClient();
                client.Connect("127.0.0.1", port);
                return Task.FromResult(true);
            }
            catch (System.Net.Sockets.SocketException)
            {
                return Task.FromResult(false);
            }
        }, TimeSpan.FromSeconds(20), "nginx to listen");
        return proxy;
    }

    public void Dispose()
    {
        if (!process.HasExited)
        {
            // SIGTERM to the master stops its workers too; SIGKILL would leave them listening.
            using (var term = Process.Start("kill", ["-TERM", process.Id.ToString(CultureInfo.InvariantCulture)]))
            {
                term.WaitForExit();
            }

            if (!process.WaitForExit(TimeSpan.FromSeconds(10)))
            {
                process.Kill(entireProcessTree: true);
            }
        }

        process.Dispose();
    }

    [GeneratedRegex(@"^\s*ssl_(certificate|certificate_key|reject_handshake)\s.*$", RegexOptions.Multiline)]
    private static partial Regex SslLine();
}
