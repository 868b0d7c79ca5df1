<?php
/**
 * The two lines of HTML Parley asks for, printed in the footer; for a signed-in user with an identity
 * secret configured, the <parley-chat> element also carries a user-token minted here on the server.
 */

if (!function_exists('parley_chat_settings')) {
    /** The saved settings with their defaults. */
    function parley_chat_settings(): array
    {
        $saved = get_option(PARLEY_CHAT_OPTION, array());
        return array_merge(
            array('worker_url' => '', 'channel' => '', 'identity_secret' => '', 'locale' => ''),
            is_array($saved) ? $saved : array()
        );
    }
}

if (!function_exists('parley_chat_user_claims')) {
    /**
     * What Parley learns about a signed-in user. Sites add their own (account_id, request_id, custom
     * attributes) with the `parley_chat_user_claims` filter.
     */
    function parley_chat_user_claims(WP_User $user): array
    {
        $claims = array(
            'sub' => 'wp-' . $user->ID,
            'email' => $user->user_email,
            'name' => $user->display_name !== '' ? $user->display_name : $user->user_login,
            'attributes' => array('wp_role' => implode(',', (array) $user->roles)),
        );
        return apply_filters('parley_chat_user_claims', $claims, $user);
    }
}

if (!function_exists('parley_chat_embed_html')) {
    /** The embed for these settings and this user (null when signed out); empty until configured. */
    function parley_chat_embed_html(array $settings, ?WP_User $user): string
    {
        if ($settings['worker_url'] === '' || $settings['channel'] === '') {
            return '';
        }
        $attributes = array('channel' => $settings['channel']);
        if ($settings['locale'] !== '') {
            $attributes['locale'] = $settings['locale'];
        }
        if ($user !== null && $user->ID > 0 && $settings['identity_secret'] !== '') {
            $attributes['user-token'] = parley_chat_user_token($settings['identity_secret'], parley_chat_user_claims($user));
        }
        $html = '<script type="module" src="' . esc_url(rtrim($settings['worker_url'], '/') . '/widget.js') . '"></script>' . "\n<parley-chat";
        foreach ($attributes as $name => $value) {
            $html .= ' ' . $name . '="' . esc_attr($value) . '"';
        }
        return $html . "></parley-chat>\n";
    }
}

if (!function_exists('parley_chat_print_embed')) {
    function parley_chat_print_embed(): void
    {
        $user = is_user_logged_in() ? wp_get_current_user() : null;
        // Already escaped piece by piece in parley_chat_embed_html.
        echo parley_chat_embed_html(parley_chat_settings(), $user); // phpcs:ignore WordPress.Security.EscapeOutput
    }
}
