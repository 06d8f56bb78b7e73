using Microsoft.AspNetCore.StaticFiles;
using Microsoft.Extensions.FileProviders;

namespace WsAuth.Sample;

/// <summary>
/// Serves the browser client (clients/js/src in the repository) at /js/, so the sample's page imports the real
/// <c>@wsauth/client</c> module rather than a copy. The folder is found relative to the content root (the project
/// folder under <c>dotnet run</c>), or configured with <c>Sample:ClientScriptsPath</c>.
/// </summary>
internal static class SampleClientScripts
{
    public const string RequestPath = "/js";
    public const string ConfigurationKey = "Sample:ClientScriptsPath";

    public static IApplicationBuilder UseSampleClientScripts(this WebApplication app)
    {
        var configured = app.Configuration[ConfigurationKey];
        var folder = Path.GetFullPath(Path.Combine(
            app.Environment.ContentRootPath,
            string.IsNullOrWhiteSpace(configured) ? Path.Combine("..", "..", "clients", "js", "src") : configured));
        if (!File.Exists(Path.Combine(folder, "wsauth.js")))
        {
            throw new InvalidOperationException(
                $"The browser client was not found: {Path.Combine(folder, "wsauth.js")} does not exist. The sample serves "
                + "clients/js/src of the repository at /js/: run it from a clone (dotnet run --project samples/WsAuth.Sample), "
                + $"or set {ConfigurationKey} to the folder that holds wsauth.js.");
        }

        // Only the module itself: nothing else in that folder is served, whatever its extension.
        var contentTypes = new FileExtensionContentTypeProvider();
        contentTypes.Mappings.Clear();
        contentTypes.Mappings[".js"] = "text/javascript";
        return app.UseStaticFiles(new StaticFileOptions
        {
            RequestPath = RequestPath,
            FileProvider = new PhysicalFileProvider(folder),
            ContentTypeProvider = contentTypes,
            OnPrepareResponse = static file => file.Context.Response.Headers.CacheControl = "no-cache",
        });
    }
}
