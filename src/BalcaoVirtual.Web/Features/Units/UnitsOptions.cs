using System.ComponentModel.DataAnnotations;

namespace BalcaoVirtual.Web.Features.Units;

public sealed class UnitsOptions
{
    public const string Section = "Units";

    /// <summary>Path of the units catalogue (JSON); relative paths are taken from the content root.</summary>
    [Required]
    public string Catalog { get; set; } = "deploy/units/trt8.sample.json";
}
