using System.Net;
using System.Net.Http.Headers;
using BalcaoVirtual.IntegrationTests.Support;

namespace BalcaoVirtual.IntegrationTests.Sla;

/// <summary>The SLA report page: the app's header, the unit and month picker, and refusals as pages in Portuguese.</summary>
public sealed class SlaReportPageTests
{
    private const string Macapa = "trt8-vt-macapa-7";
    private const string Belem = "trt8-vt-belem-1";

    private static async Task<HttpClient> ClerkWithoutRedirectsAsync(ApiFactory factory, string email, string[] clerkOf)
    {
        (await factory.ClientForNewUserAsync(email, clerkOf: clerkOf, name: "Rita Relatório")).Dispose();
        var client = factory.CreateClient(new() { AllowAutoRedirect = false });
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", await factory.TokenAsync(email, "senha-forte-do-servidor"));
        return client;
    }

    [Test]
    public async Task ReportPage_HasTheAppHeader_AndAPickerOfTheClerksUnitsOnly()
    {
        await using var factory = new ApiFactory();
        using var clerk = await ClerkWithoutRedirectsAsync(factory, "rita@trt8.jus.br", [Macapa]);

        var response = await clerk.GetAsync($"/reports/sla/{Macapa}/2026-11");
        var html = await response.Content.ReadAsStringAsync();

        Assert.Multiple(() =>
        {
            Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
            Assert.That(response.Headers.GetValues("Content-Security-Policy").Single(), Does.Contain("style-src 'self'").And.Not.Contain("unsafe-inline"));
            Assert.That(html, Does.Contain("<header>").And.Contain("Rita Relatório").And.Contain("action=\"/sair\""), "the app's header");
            Assert.That(html, Does.Contain("<a href=\"/reports/sla\" aria-current=\"page\">Relatórios</a>"));
            Assert.That(html, Does.Contain("<a href=\"/conta\">Minha conta</a>"));
            Assert.That(html, Does.Not.Contain("<style").And.Not.Contain("<script"));
            Assert.That(html, Does.Contain("<form class=\"report-picker\" method=\"get\" action=\"/reports/sla\">"));
            Assert.That(html, Does.Contain($"<option value=\"{Macapa}\" selected>"));
            Assert.That(html, Does.Not.Contain($"<option value=\"{Belem}\""), "only the clerk's own units");
            Assert.That(html, Does.Contain("type=\"month\"").And.Contain("value=\"2026-11\"").And.Contain("max=\"2026-11\""));
            Assert.That(html, Does.Contain($"/reports/sla/{Macapa}/2026-10").And.Not.Contain($"/reports/sla/{Macapa}/2026-12"), "no way into a month not begun");
        });
    }

    [Test]
    public async Task Picker_RedirectsToTheReportsAddress_AndWithoutChoicesToTheFirstUnitThisMonth()
    {
        await using var factory = new ApiFactory();
        using var clerk = await ClerkWithoutRedirectsAsync(factory, "rita@trt8.jus.br", [Macapa]);

        var chosen = await clerk.GetAsync($"/reports/sla?unit={Macapa}&month=2026-09");
        var plain = await clerk.GetAsync("/reports/sla");

        Assert.That(chosen.StatusCode, Is.EqualTo(HttpStatusCode.Redirect));
        Assert.That(chosen.Headers.Location?.OriginalString, Is.EqualTo($"/reports/sla/{Macapa}/2026-09"));
        Assert.That(plain.Headers.Location?.OriginalString, Is.EqualTo($"/reports/sla/{Macapa}/2026-11"));
    }

    [TestCase("/reports/sla/trt8-vt-nenhuma/2026-11", HttpStatusCode.NotFound, "Unidade: não existe unidade com o código “trt8-vt-nenhuma”.")]
    [TestCase("/reports/sla/trt8-vt-belem-1/2026-11", HttpStatusCode.Forbidden, "Unidade: você não tem acesso aos relatórios da 1ª Vara do Trabalho de Belém.")]
    [TestCase("/reports/sla/trt8-vt-macapa-7/novembro", HttpStatusCode.BadRequest, "Mês: “novembro” não é um mês válido.")]
    [TestCase("/reports/sla/trt8-vt-macapa-7/2027-01", HttpStatusCode.BadRequest, "Mês: 2027-01 ainda não começou. Escolha um mês até 11/2026.")]
    [TestCase("/reports/sla?unit=trt8-vt-macapa-7&month=2026-13", HttpStatusCode.BadRequest, "Mês: “2026-13” não é um mês válido.")]
    [TestCase("/reports/sla?unit=trt8-vt-belem-1&month=2026-11", HttpStatusCode.Forbidden, "Unidade: você não tem acesso")]
    [TestCase("/reports/sla?month=2026-11", HttpStatusCode.BadRequest, "Unidade: escolha a unidade do relatório.")]
    public async Task BadInput_IsAPortuguesePage_WithTheHeaderAndAWayBack(string url, HttpStatusCode status, string message)
    {
        await using var factory = new ApiFactory();
        using var clerk = await ClerkWithoutRedirectsAsync(factory, "rita@trt8.jus.br", [Macapa]);

        var response = await clerk.GetAsync(url);
        var html = await response.Content.ReadAsStringAsync();

        Assert.Multiple(() =>
        {
            Assert.That(response.StatusCode, Is.EqualTo(status));
            Assert.That(response.Content.Headers.ContentType?.MediaType, Is.EqualTo("text/html"), "a page, never problem JSON");
            Assert.That(html, Does.Contain("<html lang=\"pt-BR\">").And.Contain("<h1>Não foi possível abrir o relatório</h1>"));
            Assert.That(html, Does.Contain("<p class=\"error\" role=\"alert\">" + message));
            Assert.That(html, Does.Contain("<header>").And.Contain("<a href=\"/reports/sla\">Voltar aos relatórios</a>"));
        });
    }

    [Test]
    public async Task BadInput_IsWrittenAsText_NeverAsMarkup()
    {
        await using var factory = new ApiFactory();
        using var clerk = await ClerkWithoutRedirectsAsync(factory, "rita@trt8.jus.br", [Macapa]);

        var response = await clerk.GetAsync($"/reports/sla?unit={Macapa}&month=%3Cscript%3Ealert(1)%3C/script%3E");
        var html = await response.Content.ReadAsStringAsync();

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));
        Assert.That(html, Does.Not.Contain("<script>alert(1)").And.Contain("&lt;script&gt;alert(1)"));
    }

    [Test]
    public async Task Anonymous_IsSentToSignIn_AndComesBackToTheReport()
    {
        await using var factory = new ApiFactory();
        using var anonymous = factory.CreateClient(new() { AllowAutoRedirect = false });

        var response = await anonymous.GetAsync($"/reports/sla/{Macapa}/2026-11");

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Redirect));
        Assert.That(response.Headers.Location?.OriginalString, Is.EqualTo("/entrar?volta=%2Freports%2Fsla%2Ftrt8-vt-macapa-7%2F2026-11"));
    }

    [Test]
    public async Task Admin_PicksAmongEveryUnit()
    {
        await using var factory = new ApiFactory();
        using var admin = await factory.AdminClientAsync();

        var html = await admin.GetStringAsync($"/reports/sla/{Belem}/2026-11");

        Assert.That(html, Does.Contain($"<option value=\"{Macapa}\"").And.Contain($"<option value=\"{Belem}\" selected>"));
    }
}
