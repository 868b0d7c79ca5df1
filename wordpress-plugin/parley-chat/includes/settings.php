<?php
/**
 * Settings → Parley Chat: the Worker's address, the channel key and the identity secret. The secret is
 * never printed back into the page: the field stays empty, and an empty submission keeps the saved one.
 */

if (!function_exists('parley_chat_add_settings_page')) {
    function parley_chat_add_settings_page(): void
    {
        add_options_page(
            __('Parley Chat', 'parley-chat'),
            __('Parley Chat', 'parley-chat'),
            'manage_options',
            'parley-chat',
            'parley_chat_render_settings_page'
        );
    }
}

if (!function_exists('parley_chat_register_settings')) {
    function parley_chat_register_settings(): void
    {
        register_setting('parley_chat', PARLEY_CHAT_OPTION, array(
            'type' => 'array',
            'sanitize_callback' => 'parley_chat_sanitize_settings',
            'default' => array(),
        ));
    }
}

if (!function_exists('parley_chat_sanitize_settings')) {
    /** Keeps only well-formed values; a blank secret field keeps the saved secret, "clear" removes it. */
    function parley_chat_sanitize_settings($input): array
    {
        $input = is_array($input) ? $input : array();
        $saved = parley_chat_settings();
        $url = isset($input['worker_url']) ? trim((string) $input['worker_url']) : '';
        $channel = isset($input['channel']) ? trim((string) $input['channel']) : '';
        $locale = isset($input['locale']) ? trim((string) $input['locale']) : '';
        $secret = isset($input['identity_secret']) ? trim((string) $input['identity_secret']) : '';
        return array(
            'worker_url' => preg_match('#^https?://[^\s/]+(/[^\s]*)?$#', $url) ? esc_url_raw(rtrim($url, '/')) : '',
            'channel' => preg_match('/^[a-z0-9-]{1,64}$/', $channel) ? $channel : '',
            'locale' => preg_match('/^[a-z]{2}(-[A-Za-z]{2})?$/', $locale) ? $locale : '',
            'identity_secret' => !empty($input['clear_identity_secret']) ? '' : ($secret !== '' ? $secret : $saved['identity_secret']),
        );
    }
}

if (!function_exists('parley_chat_render_settings_page')) {
    function parley_chat_render_settings_page(): void
    {
        if (!current_user_can('manage_options')) {
            return;
        }
        $s = parley_chat_settings();
        $name = PARLEY_CHAT_OPTION;
        ?>
        <div class="wrap">
            <h1><?php echo esc_html__('Parley Chat', 'parley-chat'); ?></h1>
            <form method="post" action="options.php">
                <?php settings_fields('parley_chat'); ?>
                <table class="form-table" role="presentation">
                    <tr>
                        <th scope="row"><label for="parley-worker-url"><?php echo esc_html__('Parley address', 'parley-chat'); ?></label></th>
                        <td>
                            <input id="parley-worker-url" class="regular-text" type="url" name="<?php echo esc_attr($name); ?>[worker_url]" value="<?php echo esc_attr($s['worker_url']); ?>" placeholder="https://support.example.com" required>
                            <p class="description"><?php echo esc_html__('Where your Parley Worker runs; the widget is loaded from it.', 'parley-chat'); ?></p>
                        </td>
                    </tr>
                    <tr>
                        <th scope="row"><label for="parley-channel"><?php echo esc_html__('Channel key', 'parley-chat'); ?></label></th>
                        <td>
                            <input id="parley-channel" class="regular-text" type="text" name="<?php echo esc_attr($name); ?>[channel]" value="<?php echo esc_attr($s['channel']); ?>" pattern="[a-z0-9-]{1,64}" required>
                            <p class="description"><?php echo esc_html__('From the embed snippet in Parley: Administration, Channels.', 'parley-chat'); ?></p>
                        </td>
                    </tr>
                    <tr>
                        <th scope="row"><label for="parley-locale"><?php echo esc_html__('Language', 'parley-chat'); ?></label></th>
                        <td>
                            <input id="parley-locale" class="small-text" type="text" name="<?php echo esc_attr($name); ?>[locale]" value="<?php echo esc_attr($s['locale']); ?>" placeholder="en">
                            <p class="description"><?php echo esc_html__('Optional: en, fi, sv, no, da, de, nl or it. Empty follows the visitor\'s browser.', 'parley-chat'); ?></p>
                        </td>
                    </tr>
                    <tr>
                        <th scope="row"><label for="parley-identity-secret"><?php echo esc_html__('Identity secret', 'parley-chat'); ?></label></th>
                        <td>
                            <input id="parley-identity-secret" class="regular-text" type="password" autocomplete="off" name="<?php echo esc_attr($name); ?>[identity_secret]" value="" placeholder="<?php echo $s['identity_secret'] !== '' ? esc_attr__('Saved; type a new one to replace it', 'parley-chat') : ''; ?>">
                            <?php if ($s['identity_secret'] !== '') : ?>
                                <label><input type="checkbox" name="<?php echo esc_attr($name); ?>[clear_identity_secret]" value="1"> <?php echo esc_html__('Remove the saved secret', 'parley-chat'); ?></label>
                            <?php endif; ?>
                            <p class="description"><?php echo esc_html__('The channel\'s identity secret. With it, signed-in users are shown to agents as verified (their name, email and role), and see their own earlier conversations. It stays on this server.', 'parley-chat'); ?></p>
                        </td>
                    </tr>
                </table>
                <?php submit_button(); ?>
            </form>
        </div>
        <?php
    }
}
