<?php
/**
 * Plugin Name:       Parley Chat
 * Description:       Adds the Parley live chat widget to every page, and tells Parley who signed-in users are with a signed user-token.
 * Version:           0.1.0
 * Requires at least: 6.0
 * Requires PHP:      7.4
 * License:           MIT
 * Text Domain:       parley-chat
 */

if (!defined('ABSPATH')) {
    exit;
}

define('PARLEY_CHAT_OPTION', 'parley_chat_settings');

require_once __DIR__ . '/includes/user-token.php';
require_once __DIR__ . '/includes/embed.php';
require_once __DIR__ . '/includes/settings.php';

add_action('wp_footer', 'parley_chat_print_embed');
add_action('admin_menu', 'parley_chat_add_settings_page');
add_action('admin_init', 'parley_chat_register_settings');
