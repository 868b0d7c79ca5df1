<?php
/**
 * The `user-token` of <parley-chat>: a JWT, HS256 with the channel's identity secret. Parley accepts
 * exactly this algorithm and refuses tokens that live longer than 24 hours, so one is minted per page
 * view with a short lifetime. No WordPress function is used here, so it runs (and is tested) alone.
 */

if (!function_exists('parley_chat_base64url')) {
    function parley_chat_base64url(string $bytes): string
    {
        return rtrim(strtr(base64_encode($bytes), '+/', '-_'), '=');
    }
}

if (!function_exists('parley_chat_user_token')) {
    /**
     * @param string $secret   the channel's identity secret (console: Administration, Channels)
     * @param array  $claims   sub (required), email, name, account_id, account_name, request_id, attributes
     * @param int    $lifetime seconds until exp
     * @param int|null $now    unix seconds, for tests
     */
    function parley_chat_user_token(string $secret, array $claims, int $lifetime = 600, ?int $now = null): string
    {
        if ($secret === '') {
            throw new InvalidArgumentException('the identity secret is empty');
        }
        if (!isset($claims['sub']) || (string) $claims['sub'] === '') {
            throw new InvalidArgumentException('claims.sub is required');
        }
        $iat = $now ?? time();
        // Parley refuses empty claims: a user without an email or name still gets a chat, without them.
        $claims = array_filter($claims, function ($value) {
            return $value !== null && $value !== '';
        });
        $claims = array_merge(array('iat' => $iat, 'exp' => $iat + $lifetime), $claims);
        $claims['sub'] = (string) $claims['sub'];
        // An empty attributes array would encode as [], which Parley refuses: it expects an object.
        if (isset($claims['attributes']) && $claims['attributes'] === array()) {
            unset($claims['attributes']);
        }
        $flags = JSON_UNESCAPED_SLASHES | JSON_UNESCAPED_UNICODE | JSON_THROW_ON_ERROR;
        $signing_input = parley_chat_base64url(json_encode(array('alg' => 'HS256', 'typ' => 'JWT'), $flags))
            . '.' . parley_chat_base64url(json_encode($claims, $flags));
        return $signing_input . '.' . parley_chat_base64url(hash_hmac('sha256', $signing_input, $secret, true));
    }
}
