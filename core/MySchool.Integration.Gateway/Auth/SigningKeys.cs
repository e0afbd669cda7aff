using System.Security.Cryptography;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.Tokens;
using MySchool.Integration.Core.Store;
using Npgsql;
using OpenIddict.Server;

namespace MySchool.Integration.Gateway.Auth;

/// <summary>
/// The RSA key that signs (and, for OpenIddict's own artifacts, encrypts) tokens, shared by every gateway process
/// on the database (<see cref="SigningKeyStore"/>).
/// </summary>
public sealed class SigningKeys(NpgsqlDataSource dataSource) : IConfigureOptions<OpenIddictServerOptions>
{
    public void Configure(OpenIddictServerOptions options)
    {
        var key = new RsaSecurityKey(Load()) { KeyId = "gateway-1" };
        options.SigningCredentials.Add(new SigningCredentials(key, SecurityAlgorithms.RsaSha256));
        options.EncryptionCredentials.Add(new EncryptingCredentials(key, SecurityAlgorithms.RsaOAEP, SecurityAlgorithms.Aes256CbcHmacSha512));
    }

    private RSA Load()
    {
        var rsa = RSA.Create();
        rsa.ImportPkcs8PrivateKey(SigningKeyStore.GetOrCreate(dataSource), out _);
        return rsa;
    }
}
