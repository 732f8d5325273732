using Microsoft.Extensions.Options;

namespace BalcaoVirtual.Web.Features.PublicSite;

public sealed class PublicSiteOptions
{
    public const string Section = "PublicSite";

    /// <summary>
    /// The address citizens reach the service at (e.g. https://balcao.trt8.jus.br): the absolute links of /fragmento,
    /// which a court's portal embeds and caches share. Without it they follow the request's Host, and the fragment is
    /// not offered to shared caches.
    /// </summary>
    public Uri? BaseUrl { get; set; }

    /// <summary>The origin links start with: the configured one, or the request's.</summary>
    internal string Origin(HttpRequest request) =>
        BaseUrl?.GetLeftPart(UriPartial.Path).TrimEnd('/') ?? $"{request.Scheme}://{request.Host}";
}

internal sealed class PublicSiteOptionsValidator : IValidateOptions<PublicSiteOptions>
{
    public ValidateOptionsResult Validate(string? name, PublicSiteOptions options) =>
        options.BaseUrl is { } url && (!url.IsAbsoluteUri || url.Scheme is not ("http" or "https") || url.Query.Length > 0 || url.Fragment.Length > 0)
            ? ValidateOptionsResult.Fail("PublicSite:BaseUrl must be an absolute http(s) URL without query, e.g. https://balcao.trt8.jus.br.")
            : ValidateOptionsResult.Success;
}
