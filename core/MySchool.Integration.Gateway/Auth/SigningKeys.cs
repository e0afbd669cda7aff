using System.Security.Cryptography;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.Tokens;
using Npgsql;
using OpenIddict.Server;

namespace MySchool.Integration.Gateway.Auth;

/// <summary>
/// The RSA key that signs (and, for OpenIddict's own artifacts, encrypts) tokens, shared by every gateway process
/// on the database: created by whichever process starts first, read by the rest. A token issued by one process
/// validates on all of them, and survives restarts.
/// </summary>
public sealed class SigningKeys(NpgsqlDataSource dataSource) : IConfigureOptions<OpenIddictServerOptions>
{
    public void Configure(OpenIddictServerOptions options)
    {
        var key = new RsaSecurityKey(Load()) { KeyId = "gateway-1" };
        options.SigningCredentials.Add(new SigningCredentials(key, SecurityAlgorithms.RsaSha256));
        options.EncryptionCredentials.Add(new EncryptingCredentials(key, SecurityAlgorithms.RsaOAEP, SecurityAlgorithms.Aes256CbcHmacSha512));
    }

    // Options are built synchronously, once per process, after migrations ran.
    private RSA Load()
    {
        using var candidate = RSA.Create(2048);
        using (var insert = dataSource.CreateCommand("INSERT INTO signing_key (id, rsa_pkcs8) VALUES (1, $1) ON CONFLICT (id) DO NOTHING"))
        {
            insert.Parameters.Add(new NpgsqlParameter { Value = candidate.ExportPkcs8PrivateKey() });
            insert.ExecuteNonQuery();
        }

        using var select = dataSource.CreateCommand("SELECT rsa_pkcs8 FROM signing_key WHERE id = 1");
        var rsa = RSA.Create();
        rsa.ImportPkcs8PrivateKey((byte[])select.ExecuteScalar()!, out _);
        return rsa;
    }
}
