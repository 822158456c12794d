using QRCoder;

namespace Kabar.Admin;

/// <summary>
/// A QR code as inline SVG, drawn on the server by QRCoder: no script, no image request, nothing the
/// content security policy has to allow (colours are attributes, not styles). It scales with its box
/// (a view box, no fixed size) and keeps the quiet zone scanners need.
/// </summary>
public static class QrSvg
{
    public static string Render(string text)
    {
        // Level M: the otpauth link of a 160-bit key fits a small code that phones read at a glance.
        using var data = QRCodeGenerator.GenerateQrCode(text, QRCodeGenerator.ECCLevel.M);
        using var svg = new SvgQRCode(data);
        return svg.GetGraphic(4, "#000000", "#ffffff", drawQuietZones: true, sizingMode: SvgQRCode.SizingMode.ViewBoxAttribute);
    }
}
