using System.Diagnostics;
using BalcaoVirtual.IntegrationTests.Support;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using StackExchange.Redis;

namespace BalcaoVirtual.IntegrationTests.Reliability;

/// <summary>The files in deploy/ stay valid, checked with the real tools (no Docker engine runs here).</summary>
public sealed class DeployFilesTests
{
    [Test]
    public async Task Nginx_AcceptsTheReverseProxyConfiguration()
    {
        var dir = TestServers.TempDir("nginx");
        var (cert, key) = (Path.Combine(dir, "balcao.pem"), Path.Combine(dir, "balcao.key"));
        var made = await Commands.RunAsync("openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-subj", "/CN=balcao.example.jus.br", "-days", "1", "-keyout", key, "-out", cert);
        Assert.That(made.ExitCode, Is.Zero, made.Output);
        var site = File.ReadAllText(TestServers.RepoFile("deploy/nginx/balcao-virtual.conf"))
            .Replace("/etc/ssl/certs/balcao.pem", cert, StringComparison.Ordinal)
            .Replace("/etc/ssl/private/balcao.key", key, StringComparison.Ordinal);
        File.WriteAllText(Path.Combine(dir, "site.conf"), site);
        File.WriteAllText(Path.Combine(dir, "nginx.conf"),
            $"pid {dir}/nginx.pid; error_log stderr; events {{}} http {{ access_log off; client_body_temp_path {dir}; proxy_temp_path {dir}; include {dir}/site.conf; }}");

        var nginx = File.Exists("/usr/sbin/nginx") ? "/usr/sbin/nginx" : null;
        Assert.That(nginx, Is.Not.Null, "nginx is not installed: run ./test.sh (it installs nginx-light), or 'apt-get install nginx-light'.");
        var test = await Commands.RunAsync(nginx!, "-t", "-p", dir, "-c", Path.Combine(dir, "nginx.conf"));
        Assert.That(test.ExitCode, Is.Zero, test.Output);
        Assert.That(test.Output, Does.Contain("syntax is ok").And.Contain("test is successful"));
        Assert.That(site, Does.Contain("location ~* ^/metrics"), "metrics are never passed on");
    }

    [Test]
    public async Task Nginx_PassesNoMetricsInAnyShape_AnswersNoOtherHost_AndSendsHsts()
    {
        // A node that answers everything: what reaches it, nginx let through.
        await using var node = LoopbackApp.Create();
        node.Run(http => http.Response.WriteAsync("node"));
        var nodeUrl = await LoopbackApp.StartAsync(node);
        using var proxy = await NginxProxy.StartAsync([nodeUrl.ToString()]);
        using var http = new HttpClient { BaseAddress = new Uri(proxy.Url) };

        var home = await http.GetAsync("/");
        Assert.That(await home.Content.ReadAsStringAsync(), Is.EqualTo("node"));
        Assert.That(home.Headers.GetValues("Strict-Transport-Security").Single(), Does.StartWith("max-age="));
        foreach (var path in new[] { "/metrics", "/metrics/", "/METRICS", "/Metrics/", "//metrics", "/%6Detrics", "/metrics?x=1" })
        {
            Assert.That((await http.GetAsync(new Uri(proxy.Url + path))).StatusCode, Is.EqualTo(System.Net.HttpStatusCode.NotFound), path);
        }

        using var forged = new HttpRequestMessage(HttpMethod.Get, "/fragmento");
        forged.Headers.Host = "evil.example";
        Assert.ThrowsAsync<HttpRequestException>(() => http.SendAsync(forged), "another host name gets no answer (444)");
    }

    [Test]
    public async Task Redis_StartsWithTheShippedConfiguration_WithAppendOnlyPersistence()
    {
        var dir = TestServers.TempDir("redis-conf");
        var port = TestServers.FreePort();
        using var server = Process.Start(new ProcessStartInfo("redis-server")
        {
            // The shipped file, with only the port and the data folder of this test.
            ArgumentList = { TestServers.RepoFile("deploy/redis/redis.conf"), "--port", port.ToString(System.Globalization.CultureInfo.InvariantCulture), "--dir", dir },
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        })!;
        try
        {
            ConnectionMultiplexer? redis = null;
            await TestServers.WaitUntilAsync(async () =>
            {
                try
                {
                    redis = await ConnectionMultiplexer.ConnectAsync($"127.0.0.1:{port},allowAdmin=true");
                    return redis.IsConnected;
                }
                catch (RedisConnectionException)
                {
                    return false;
                }
            }, TimeSpan.FromSeconds(20), "redis-server with deploy/redis/redis.conf");
            using (redis)
            {
                var config = await redis!.GetServers()[0].ConfigGetAsync("*");
                var values = config.ToDictionary(c => c.Key, c => c.Value);
                Assert.That(values["appendonly"], Is.EqualTo("yes"));
                Assert.That(values["appendfsync"], Is.EqualTo("always"), "an acknowledged webhook survives a crash");
                Assert.That(values["maxmemory-policy"], Is.EqualTo("noeviction"), "conversations are never evicted");
            }
        }
        finally
        {
            server.Kill();
            await server.WaitForExitAsync();
        }
    }

    [Test]
    public async Task Compose_IsValidYaml_AndBuildsFromTheRepository()
    {
        var compose = TestServers.RepoFile("deploy/compose/compose.yaml");
        var read = await Commands.RunAsync("/usr/bin/python3", "-c",
            "import yaml,sys,json; d=yaml.safe_load(open(sys.argv[1])); print(json.dumps({k: v.get('ports', []) for k, v in d['services'].items()}))", compose);
        Assert.That(read.ExitCode, Is.Zero, read.Output);
        Assert.That(read.Output, Does.Contain("\"app1\": [\"127.0.0.1:5081:8080\"]").And.Contain("\"app2\": [\"127.0.0.1:5082:8080\"]").And.Contain("\"redis\": []"),
            "nodes only on loopback; Redis not published");
        // The image is the published folder, which carries the catalogues and calendars (PublishedOutputTests).
        var dockerfile = File.ReadAllText(TestServers.RepoFile("deploy/compose/Dockerfile"));
        Assert.That(dockerfile, Does.Contain("dotnet publish src/BalcaoVirtual.Web"));
        Assert.That(Directory.Exists(Path.Combine(Path.GetDirectoryName(TestServers.RepoFile("BalcaoVirtual.sln"))!, "src/BalcaoVirtual.Web")));
    }
}
